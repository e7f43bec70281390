package io.jwfp.shim.nfqueue.live;

import static io.jwfp.shim.nfqueue.TwoNamespaces.A_V4;
import static io.jwfp.shim.nfqueue.TwoNamespaces.B_V4;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jwfp.engine.FilterEngine;
import io.jwfp.engine.value.AppIds;
import io.jwfp.packet.InetBits;
import io.jwfp.shim.nfqueue.ConntrackEvents;
import io.jwfp.shim.nfqueue.CtTuple;
import io.jwfp.shim.nfqueue.NetworkNamespace;
import io.jwfp.shim.nfqueue.SockDiag;
import io.jwfp.shim.nfqueue.TwoNamespaces;
import io.jwfp.shim.nfqueue.natives.Constants;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The live pipeline's kernel sources against the real kernel, in namespaces this class makes ({@code jwfpt-diag-<pid>-a/b}):
 * sock_diag finds the socket (uid, inode) behind a TCP or UDP 5-tuple and the resolver the process behind it;
 * ctnetlink reports conntrack destroy events. Root only; skipped otherwise with the reason.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SocketsAndConntrackLiveTest {
    private static TwoNamespaces net;

    @BeforeAll
    static void setUp() throws Exception {
        TwoNamespaces.assumeLiveEnvironment();
        net = TwoNamespaces.create("jwfpt-diag");
    }

    @AfterAll
    static void tearDown() {
        if (net != null) net.close();
    }

    private static long lo(String v4) throws Exception {
        return Integer.toUnsignedLong(InetBits.v4((java.net.Inet4Address) InetAddress.getByName(v4)));
    }

    @Test
    void sockDiagFindsTheSocketAndTheResolverItsProcess() throws Exception {
        try (ServerSocket server = NetworkNamespace.call(net.nsB(), () -> new ServerSocket(7200, 5, InetAddress.getByName(B_V4)));
             Socket client = NetworkNamespace.call(net.nsA(), () -> new Socket(B_V4, 7200));
             DatagramSocket udp = NetworkNamespace.call(net.nsA(), () -> new DatagramSocket(new InetSocketAddress(A_V4, 7201)));
             SockDiag diag = SockDiag.open(net.nsA());
             ProcessResolver resolver = new ProcessResolver(diag, Path.of("/proc"))) {
            int lport = client.getLocalPort();
            long tcp = diag.lookup(Constants.IPPROTO_TCP, false, 0, lo(A_V4), lport, 0, lo(B_V4), 7200);
            assertThat(tcp).as("the connected TCP socket").isNotNegative();
            assertThat(tcp >>> 32).as("uid").isZero();
            assertThat(tcp & 0xFFFF_FFFFL).as("inode").isPositive();
            assertThat(diag.lookup(Constants.IPPROTO_TCP, false, 0, lo(A_V4), lport, 0, lo(B_V4), 7299)).isEqualTo(-1);
            long u = diag.lookup(Constants.IPPROTO_UDP, false, 0, lo(A_V4), 7201, 0, lo(B_V4), 53);
            assertThat(u).as("the unconnected UDP socket that would send or receive").isNotNegative();

            ProcessInfo p = resolver.resolve(Constants.IPPROTO_TCP, false, 0, lo(A_V4), lport, 0, lo(B_V4), 7200, -1);
            assertThat(p.pid()).isEqualTo(ProcessHandle.current().pid());
            String java = Files.readSymbolicLink(Path.of("/proc/self/exe")).toString();
            assertThat(p.path()).isEqualTo(java);
            assertThat(p.appId()).isEqualTo(AppIds.encode(java));
            assertThat(p.token().uid()).isZero();
            assertThat(resolver.resolve(Constants.IPPROTO_TCP, false, 0, lo(A_V4), lport, 0, lo(B_V4), 7200, -1))
                    .as("cached per socket").isSameAs(p);
        }
    }

    @Test
    void conntrackDestroyEventsReportTheForgottenConnection() throws Exception {
        assumeTrue(TwoNamespaces.onPath("conntrack"), "conntrack (conntrack-tools) is needed to delete an entry");
        // Connection tracking runs in a namespace once a rule needs it.
        net.iptables(net.a, false, "-A", "OUTPUT", "-m", "conntrack", "--ctstate", "NEW");
        List<String> destroyed = new CopyOnWriteArrayList<>();
        FlowTable flows = new FlowTable(new FilterEngine());
        Flow flow = flows.create(flows.newHandle(), false, 17, 0, lo(A_V4), 7202, 0, lo(B_V4), 7203, false);
        try (ConntrackEvents events = ConntrackEvents.start(net.nsA(), ct -> {
            CtTuple o = ct.original();
            destroyed.add(o.sourceAddress().getHostAddress() + ":" + o.sourcePort() + ">"
                    + o.destinationAddress().getHostAddress() + ":" + o.destinationPort() + "/" + o.protocol());
            flows.conntrackDestroyed(ct);
        })) {
            NetworkNamespace.run(net.nsA(), () -> {
                try (DatagramSocket s = new DatagramSocket(new InetSocketAddress(A_V4, 7202))) {
                    s.send(new DatagramPacket(new byte[] {1}, 1, InetAddress.getByName(B_V4), 7203));
                }
            });
            net.exec(net.a, "conntrack", "-D", "-p", "udp", "--dport", "7203");
            for (int i = 0; i < 100 && destroyed.isEmpty(); i++) Thread.sleep(20);
            assertThat(destroyed).containsExactly(A_V4 + ":7202>" + B_V4 + ":7203/17");
            assertThat(events.events()).isEqualTo(1);
            assertThat(flow.ended).as("the flow table ends the flow").isTrue();
        } finally {
            net.flushRules();
        }
    }
}
