package io.github.pmtatracking.app;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

/** A bean shown in JMX (and so in Hawtio) for as long as the app runs. */
final class JmxRegistration implements AutoCloseable {

    private final ObjectName name;

    private JmxRegistration(ObjectName name) {
        this.name = name;
    }

    static JmxRegistration register(String objectName, Object mbean) {
        try {
            ObjectName n = new ObjectName(objectName);
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            if (server.isRegistered(n)) {
                server.unregisterMBean(n);
            }
            server.registerMBean(mbean, n);
            return new JmxRegistration(n);
        } catch (JMException e) {
            throw new IllegalStateException("cannot register " + objectName + " in JMX: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (JMException e) {
            // already gone
        }
    }
}
