# pmta-tracking in a container: docker build -t pmta-tracking .
# Runs the three services by default (docker run ... pmta-tracking), or one of them
# (docker run ... pmta-tracking tracker). compose.yaml runs them beside Redis.
# (Docker does not run on the machine this was written on: this file is checked by reading, and the
#  commands it runs are the README's own.)

# ---- build: the same Maven build as the README's, from Maven Central
FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
COPY src src
COPY routes routes
# the route files are checked as in mvn verify (RoutesValidationTest); the other tests need more
# than a build container has
RUN mvn -B -q -Dtest=RoutesValidationTest -Dsurefire.failIfNoSpecifiedTests=false package

# ---- run: a JRE, the jar, bin/, config/ and routes/; nothing runs as root
FROM eclipse-temurin:17-jre
# curl for the HEALTHCHECK below
RUN apt-get update && apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --user-group --home-dir /opt/pmta-tracking --shell /usr/sbin/nologin pmta
WORKDIR /opt/pmta-tracking
COPY --from=build /src/target/pmta-tracking.jar pmta-tracking.jar
COPY bin bin
COPY config config
COPY routes routes
RUN mkdir -p data && chown pmta:pmta data
USER pmta

# config/ and routes/ may be mounted over (routes reload when edited); data/ holds the wrapper's
# outbox, the feeder's ingest files and, without REDIS_URL, the embedded Redis's files.
VOLUME ["/opt/pmta-tracking/data"]
# In a container every listener faces the container's network, not its loopback: the wrapper, and
# the management server too (publish that to the host's loopback only, as compose.yaml does).
# One program per container, so one management port for all (outside a container each program
# has its own: tracker 9876, feeder 9877, wrapper 9878, acct_etl 9879).
ENV PMTA_HOME=/opt/pmta-tracking \
    WRAPPER_IN_HOSTPORT=:5587 \
    CAMEL_MANAGEMENT_HOST=0.0.0.0 \
    CAMEL_MANAGEMENT_PORT=9876
# tracker and wrapper. The management port (9876: health, metrics, Jolokia, no login) is left out
# on purpose: publish it to the host's loopback only (-p 127.0.0.1:9876:9876), never to the world.
EXPOSE 8888 5587
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
    CMD curl -fsS http://127.0.0.1:${CAMEL_MANAGEMENT_PORT}/observe/health/ready || exit 1
ENTRYPOINT ["bin/pmta-tracking"]
