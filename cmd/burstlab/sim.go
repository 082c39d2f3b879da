package main

import (
	"fmt"
	"net"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/burstlab/burstlab/sim"
)

func simCommand() *cli.Command {
	return &cli.Command{
		Name:  "sim",
		Usage: "serve an autoscaling HTTP API simulator until interrupted",
		Description: "Prints the base URL on the first line of stdout and scaling events on stderr.\n" +
			"Flags override the --config file. GET /_sim/state and /metrics describe the simulator.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:0", Usage: "listen on `HOST:PORT`"},
			&cli.StringFlag{Name: "config", Usage: "simulator config `FILE` (YAML)"},
			&cli.IntFlag{Name: "replicas", Usage: "`N` replicas ready at start", DefaultText: "2"},
			&cli.IntFlag{Name: "slots", Usage: "`C` concurrent requests per replica", DefaultText: "8"},
			&cli.DurationFlag{Name: "service", Usage: "fixed service `TIME` of every route", DefaultText: "20ms"},
			&cli.DurationFlag{Name: "queue-timeout", Usage: "answer 503 to requests queued longer than `TIME`", DefaultText: "2s"},
			&cli.IntFlag{Name: "max-replicas", Usage: "autoscaler scales up to `N` replicas", DefaultText: "10"},
			&cli.Float64Flag{Name: "target-utilization", Usage: "autoscaler target `UTIL` = (busy+queued)/slots", DefaultText: "0.7"},
			&cli.DurationFlag{Name: "interval", Usage: "autoscaler evaluates every `TIME`", DefaultText: "15s"},
			&cli.DurationFlag{Name: "provision-delay", Usage: "`TIME` for a new replica to become ready", DefaultText: "60s"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 0 {
				return usagef("sim: takes no arguments, got %q", c.Args().Slice())
			}
			cfg, err := simConfig(c)
			if err != nil {
				return err
			}
			s, err := sim.New(cfg)
			if err != nil {
				return usagef("sim: %v", err)
			}
			s.OnEvent(func(e sim.Event) { fmt.Fprintln(os.Stderr, "burstlab sim: "+e.String()) })
			addr := c.String("addr")
			if _, _, err := net.SplitHostPort(addr); err != nil {
				return usagef("sim: --addr %q: %v", addr, err)
			}
			ctx, stop := stopContext()
			defer stop()
			url, err := s.Start(addr)
			if err != nil {
				return fmt.Errorf("sim: %w", err)
			}
			fmt.Fprintln(os.Stdout, url)
			cfg = s.Config()
			as := cfg.Autoscale
			scaling := "autoscaling off"
			if as.On() {
				scaling = fmt.Sprintf("autoscaling (%s) %s target %v every %s, provision %s, replicas %d..%d",
					as.KindName(), as.Metric, target(as), as.Interval, as.ProvisionDelay, as.MinReplicas, as.MaxReplicas)
			}
			fmt.Fprintf(os.Stderr, "burstlab sim: replicas %d, slots %d each, service %s, %s\n",
				cfg.Replicas, cfg.Slots, cfg.Service, scaling)
			<-ctx.Done()
			err = s.Close()
			if e := s.ServerErrors(); e.Count > 0 {
				fmt.Fprintf(os.Stderr, "burstlab sim: the HTTP server met %d errors (%d for want of file descriptors); the first: %s\n", e.Count, e.OutOfFiles, e.First)
			}
			return err
		},
	}
}

// simConfig reads --config, if any, and lays the flags that were set over it.
func simConfig(c *cli.Context) (sim.Config, error) {
	var cfg sim.Config
	if path := c.String("config"); path != "" {
		var err error
		if cfg, err = sim.LoadConfig(path); err != nil {
			return cfg, usagef("%v", err)
		}
	}
	for _, name := range []string{"replicas", "slots", "max-replicas"} {
		if c.IsSet(name) && c.Int(name) < 1 {
			return cfg, usagef("sim: --%s: must be >= 1, got %d", name, c.Int(name))
		}
	}
	for _, name := range []string{"service", "queue-timeout", "interval", "provision-delay"} {
		if c.IsSet(name) && c.Duration(name) <= 0 {
			return cfg, usagef("sim: --%s: must be > 0, got %s", name, c.Duration(name))
		}
	}
	if c.IsSet("target-utilization") && !(c.Float64("target-utilization") > 0) {
		return cfg, usagef("sim: --target-utilization: must be > 0, got %v", c.Float64("target-utilization"))
	}
	if c.IsSet("replicas") {
		cfg.Replicas = c.Int("replicas")
		if cfg.Autoscale.MinReplicas > cfg.Replicas {
			cfg.Autoscale.MinReplicas = cfg.Replicas
		}
	}
	if c.IsSet("slots") {
		cfg.Slots = c.Int("slots")
	}
	if c.IsSet("service") {
		cfg.Service = sim.Dist{Fixed: c.Duration("service")}
	}
	if c.IsSet("queue-timeout") {
		cfg.QueueTimeout = c.Duration("queue-timeout")
	}
	if c.IsSet("max-replicas") {
		cfg.Autoscale.MaxReplicas = c.Int("max-replicas")
	}
	if c.IsSet("target-utilization") {
		cfg.Autoscale.TargetUtilization = c.Float64("target-utilization")
	}
	if c.IsSet("interval") {
		cfg.Autoscale.Interval = c.Duration("interval")
	}
	if c.IsSet("provision-delay") {
		cfg.Autoscale.ProvisionDelay = c.Duration("provision-delay")
	}
	return cfg, nil
}

func target(a sim.Autoscale) float64 {
	if a.Metric == sim.MetricRPS {
		return a.TargetRPS
	}
	return a.TargetUtilization
}
