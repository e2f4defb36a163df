package io.github.pmtatracking.acct;

import java.util.Map;
import org.apache.camel.Endpoint;
import org.apache.camel.support.DefaultComponent;

/**
 * {@code pipe:name?fileName=...}: the lines of a file, or of standard input, read once until end
 * of input (see {@link PipeEndpoint}).
 */
public final class PipeComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        PipeEndpoint endpoint = new PipeEndpoint(uri, this, remaining);
        setProperties(endpoint, parameters);
        return endpoint;
    }
}
