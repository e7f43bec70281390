package io.jwfp.shim.sim;

import io.jwfp.engine.layer.IpVersion;
import io.jwfp.engine.value.AppIds;
import io.jwfp.engine.value.FwpToken;

/**
 * A process on a simulated host: the identity ALE layers see (PROCESS_ID, PROCESS_PATH, ALE_APP_ID, ALE_USER_ID) and
 * the factory of its sockets. Immutable.
 */
public final class SimProcess {
    private final SimHost host;
    private final long pid;
    private final String path;
    private final int uid;
    private final byte[] appId;
    private final FwpToken token;

    SimProcess(SimHost host, long pid, String path, int uid) {
        this.host = host;
        this.pid = pid;
        this.path = path;
        this.uid = uid;
        this.appId = AppIds.encode(path);
        // A simulated user: uid and a primary group of the same number, independent of this machine's /etc/passwd.
        this.token = new FwpToken(uid, new int[] {uid}, uid == 0 ? "root" : "user" + uid);
    }

    public SimHost host() {
        return host;
    }

    public long pid() {
        return pid;
    }

    public String path() {
        return path;
    }

    public int uid() {
        return uid;
    }

    byte[] appId() {
        return appId;
    }

    FwpToken token() {
        return token;
    }

    /** A new TCP socket of the given family. */
    public TcpSocket tcpSocket(IpVersion family) {
        return new TcpSocket(host, this, family);
    }

    /** A new UDP socket of the given family. */
    public UdpSocket udpSocket(IpVersion family) {
        return new UdpSocket(host, this, family);
    }

    /** A new ICMP echo ("ping") socket of the given family. */
    public PingSocket pingSocket(IpVersion family) {
        return new PingSocket(host, this, family);
    }

    @Override
    public String toString() {
        return path + "[" + pid + "]";
    }
}
