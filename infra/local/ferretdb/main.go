// Command ferretdb serves the MongoDB wire protocol for `yarn infra` through FerretDB's
// embeddable package: FerretDB's own cmd/ferretdb refuses to run when built from the module
// proxy (it needs a build/version/version.txt that only its release tooling writes).
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"

	"github.com/FerretDB/FerretDB/build/version"
	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	sqliteURL := flag.String("sqlite-url", "file:data/", "SQLite backend directory URI (ends with /)")
	printVersion := flag.Bool("version", false, "print the FerretDB module version and exit")
	flag.Parse()

	if *printVersion {
		fmt.Println(ferretDBVersion())
		return
	}

	// buildInfo reports this to clients; FerretDB only fills it in for its own release builds.
	version.Get().Version = ferretDBVersion()

	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	server, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:    logger,
		Handler:   "sqlite",
		SQLiteURL: *sqliteURL,
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		os.Exit(1)
	}

	logger.Info("FerretDB listening", "version", ferretDBVersion(), "addr", *listenAddr, "sqlite", *sqliteURL)

	if err := server.Run(ctx); err != nil {
		logger.Error("FerretDB stopped", "error", err)
		os.Exit(1)
	}
}

// ferretDBVersion reports the FerretDB module version pinned in go.mod.
func ferretDBVersion() string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, dep := range info.Deps {
			if dep.Path == "github.com/FerretDB/FerretDB" {
				return dep.Version
			}
		}
	}
	return "unknown"
}
