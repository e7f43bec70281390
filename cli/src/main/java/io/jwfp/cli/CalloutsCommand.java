package io.jwfp.cli;

import io.jwfp.policy.PolicyApplier;
import picocli.CommandLine.Command;

/** {@code jwfp callouts}: the callout implementations a policy may name. */
@Command(name = "callouts", footer = {"", "Example:", "  jwfp callouts"}, description = "List the callout implementations policies can use.")
final class CalloutsCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        for (var p : PolicyApplier.implementations().values()) {
            spec.commandLine().getOut().printf("%-14s %s%n", p.id(), p.description());
        }
    }
}
