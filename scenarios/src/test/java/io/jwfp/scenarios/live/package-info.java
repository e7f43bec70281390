/**
 * What the samples' live scenarios ({@code io.jwfp.scenarios.<sample>.live}) share: {@link
 * io.jwfp.scenarios.live.LiveJwfpd} (a real jwfpd as a child process inside a test namespace — the daemon test jar's
 * {@code JwfpdProcess} — managed with the {@code jwfp} command line), {@link io.jwfp.scenarios.live.Background}
 * programs (servers, clients, tcpdump) ended by their own process, {@link io.jwfp.scenarios.live.Capture} (tcpdump,
 * read back as the simulator's frames, so the same checksum checks apply, or as tcpdump's text), {@link
 * io.jwfp.scenarios.live.LiveApps} (the python servers of {@code live/servers.py}, curl, a UDP client) and {@link
 * io.jwfp.scenarios.live.LiveBed} (the programs of {@code live/tools.py} on the T3 testbed). The namespaces are {@code
 * TwoNamespaces} / {@code ThreeNamespaces} from the shim's test jar: pid-named, removed by the tests.
 */
package io.jwfp.scenarios.live;
