// Command runbook runs any Runbook component, or all of them (`runbook up`).
// It only parses flags and wires packages together.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"syscall"

	"github.com/runbookhq/runbook/engine/gctuning"
)

type command struct {
	summary string
	run     func(ctx context.Context, args []string) error
}

var commands = map[string]command{
	"up":         {"run every component in one process (embedded store, private Redis)", cmdUp},
	"web":        {"run the web app and API", roleCommand("web")},
	"bridge":     {"run a zone's bridge", roleCommand("bridge")},
	"control":    {"run a zone's scheduler", roleCommand("control")},
	"broker":     {"run a zone's monitor and action brokers", roleCommand("broker")},
	"worker":     {"run a zone's check worker", roleCommand("worker")},
	"actioner":   {"run a zone's actioner", roleCommand("actioner")},
	"repopulate": {"rebuild a zone's Redis from the store", cmdRepopulate},
	"plugin":     {"build, lock, verify, inspect or run plugins", cmdPlugin},
	"apply":      {"create or update monitors and reactions from a YAML file, via the API", cmdApply},
	"export":     {"write your monitors and reactions as YAML, via the API", cmdExport},
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: runbook COMMAND [flags]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(os.Stderr, "  %-11s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(os.Stderr, "\n'runbook COMMAND -h' shows a command's flags.")
}

func main() {
	if len(os.Args) < 2 {
		usage()
		os.Exit(2)
	}
	cmd, ok := commands[os.Args[1]]
	if !ok {
		fmt.Fprintf(os.Stderr, "runbook: unknown command %q\n\n", os.Args[1])
		usage()
		os.Exit(2)
	}
	// Every component runs with the engine's collector settings (GOGC and
	// GOMEMLIMIT from the environment win; `up` takes flags for them).
	gctuning.Apply(gctuning.Settings{})
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := cmd.run(ctx, os.Args[2:]); err != nil {
		fmt.Fprintf(os.Stderr, "runbook %s: %v\n", os.Args[1], err)
		os.Exit(1)
	}
}
