/**
 * What the samples' live scenarios ({@code io.jwfp.scenarios.<sample>.live}) share: {@link
 * io.jwfp.scenarios.live.LiveDaemon} (a real jwfpd as a child process inside a test namespace, managed with the
 * {@code jwfp} command line), {@link io.jwfp.scenarios.live.Background} programs (servers, tcpdump) ended by their own
 * process, {@link io.jwfp.scenarios.live.Capture} (tcpdump read back as the simulator's frames, so the same checksum
 * checks apply) and {@link io.jwfp.scenarios.live.LiveApps} (the python servers of {@code live/servers.py}, curl, a UDP
 * client). The namespaces are {@code TwoNamespaces} / {@code ThreeNamespaces} from the shim's test jar: pid-named,
 * removed by the tests.
 */
package io.jwfp.scenarios.live;
