package io.github.pmtatracking.redis;

import java.time.Duration;
import io.lettuce.core.api.StatefulConnection;
import java.util.Map;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

/**
 * Readiness: Redis answers PING. While it does not, the service is not ready (a balancer should
 * send work elsewhere) but still alive: the tracker keeps answering from its buffer, the feeder and
 * acct_etl wait and retry, so a restart would only lose what they hold.
 */
public final class RedisHealthCheck extends AbstractHealthCheck implements AutoCloseable {

    private final RedisConnections redis;
    private final String display;
    private StatefulConnection<String, String> connection;

    public RedisHealthCheck(RedisConnections redis) {
        super("pmta", "redis");
        this.redis = redis;
        this.display = redis.address().display();
    }

    @Override
    public boolean isLiveness() {
        return false;
    }

    @Override
    public boolean isReadiness() {
        return true;
    }

    @Override
    protected synchronized void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        builder.detail("redis.address", display);
        try {
            if (connection == null) {
                // its own connection: a check must not queue behind, or disturb, a service's pipelined traffic
                connection = redis.dedicated();
                connection.setTimeout(Duration.ofSeconds(1));
            }
            String pong = RedisConnections.ping(connection);
            if ("PONG".equals(pong)) {
                builder.up();
            } else {
                builder.down().message("Redis at " + display + " answered PING with " + pong);
            }
        } catch (RuntimeException e) {
            // a fresh connection next time: the first check after Redis returns sees it, rather
            // than waiting out the reconnect back-off of a broken one
            closeConnection();
            builder.down().message("Redis at " + display + " is unreachable: " + e.getMessage());
        }
    }

    private void closeConnection() {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }

    @Override
    public synchronized void close() {
        closeConnection();
    }
}
