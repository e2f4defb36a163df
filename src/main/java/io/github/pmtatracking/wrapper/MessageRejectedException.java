package io.github.pmtatracking.wrapper;

/**
 * Thrown by a step of the wrapper route to refuse a message with a permanent (5xx) answer;
 * any other exception is answered 451 (try again later).
 */
public class MessageRejectedException extends RuntimeException {

    public MessageRejectedException(String reason) {
        super(reason);
    }
}
