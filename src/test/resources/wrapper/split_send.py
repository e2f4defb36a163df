"""Sends one message to several recipients through an SMTP server with Python's smtplib, as a
program would, and sends again to the recipients refused with a 4xx (RFC 5321 4.5.3.1.10: 452 4.5.3
Too many recipients) until none is left. Prints, as JSON, each recipient's last answer: the RCPT
reply of a refused recipient, the reply to the data of an accepted one.

    split_send.py HOST PORT MESSAGE_FILE RCPT...
"""
import json
import smtplib
import sys

host, port, message_file, recipients = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
message = open(message_file, "rb").read()
answers = {}
transactions = 0
pending = list(recipients)
with smtplib.SMTP(host, port, timeout=30) as smtp:
    smtp.ehlo("split-send.example")
    while pending and transactions < 200:
        transactions += 1
        code, _ = smtp.mail("sender@example.com")
        if code != 250:
            raise SystemExit("MAIL refused: %d" % code)
        accepted = []
        for r in pending:
            code, _ = smtp.rcpt(r)
            answers[r] = code
            if code in (250, 251):
                accepted.append(r)
        if accepted:
            code, _ = smtp.data(message)
            for r in accepted:
                answers[r] = code
        else:
            smtp.rset()
        pending = [r for r in pending if 400 <= answers[r] < 500]
print(json.dumps({"answers": answers, "transactions": transactions}))
