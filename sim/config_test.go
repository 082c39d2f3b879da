package sim

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want string // "" for valid
	}{
		{"defaults", func(*Config) {}, ""},
		{"slots", func(c *Config) { c.Slots = -1 }, "slots: must be >= 1, got -1"},
		{"replicas", func(c *Config) { c.Replicas = -2 }, "replicas: must be >= 1, got -2"},
		{"queue timeout", func(c *Config) { c.QueueTimeout = -time.Second }, "queue_timeout: must be > 0, got -1s"},
		{"balancer", func(c *Config) { c.Balancer = "random" }, `balancer: must be "round-robin" or "least-outstanding", got "random"`},
		{"both dists", func(c *Config) { c.Service.Median = time.Millisecond }, "service: set either fixed or median and p99, not both"},
		{"p99 below median", func(c *Config) { c.Service = Dist{Median: 20 * time.Millisecond, P99: time.Millisecond} }, "service.p99: must be >= median 20ms, got 1ms"},
		{"route pattern", func(c *Config) { c.Routes = []Route{{Pattern: "users", Service: Dist{Fixed: 1}}} }, `routes[0].pattern: must start with "/", got "users"`},
		{"route service", func(c *Config) { c.Routes = []Route{{Pattern: "/a"}} }, "routes[0].service: is required"},
		{"error rate", func(c *Config) { c.ErrorRate = 1.5 }, "error_rate: must be within [0, 1], got 1.5"},
		{"metric", func(c *Config) { c.Autoscale.Metric = "cpu" }, `autoscale.metric: must be "utilization" or "rps", got "cpu"`},
		{"rps target", func(c *Config) { c.Autoscale.Metric = MetricRPS }, `autoscale.target_rps: must be > 0 with metric "rps", got 0`},
		{"max below min", func(c *Config) { c.Autoscale.MaxReplicas = 1 }, "autoscale.max_replicas: must be >= 2, got 1"},
		{"replicas above max", func(c *Config) { c.Replicas = 12; c.Autoscale.MaxReplicas = 11; c.Autoscale.MinReplicas = 1 },
			"replicas: must be within autoscale [min_replicas, max_replicas] = [1, 11], got 12"},
		{"replicas bound (#20 item 8)", func(c *Config) { c.Replicas = 100_000_000; c.Autoscale.MaxReplicas = 100_000_000 }, "replicas: must be <= 10000, got 100000000"},
		{"max replicas bound", func(c *Config) { c.Autoscale.MaxReplicas = 10_001 }, "autoscale.max_replicas: must be <= 10000, got 10001"},
		{"slots bound", func(c *Config) { c.Slots = 1 << 40 }, "slots: must be <= 100000, got 1099511627776"},
		{"queue bound", func(c *Config) { c.QueueLimit = 1 << 40 }, "queue_limit: must be <= 1000000, got 1099511627776"},
		{"queue timeout bound", func(c *Config) { c.QueueTimeout = 2 * time.Hour }, "queue_timeout: must be <= 1h0m0s, got 2h0m0s"},
		{"service bound", func(c *Config) { c.Service = Dist{Median: time.Millisecond, P99: 100 * time.Hour} }, "service.p99: must be <= 1h0m0s, got 100h0m0s"},
		{"route service bound", func(c *Config) { c.Routes = []Route{{Pattern: "/a", Service: Dist{Fixed: 2 * time.Hour}}} }, "routes[0].service.fixed: must be <= 1h0m0s, got 2h0m0s"},
		{"interval bound", func(c *Config) { c.Autoscale.Interval = 1000 * time.Hour }, "autoscale.interval: must be <= 24h0m0s, got 1000h0m0s"},
		{"provision bound", func(c *Config) { c.Autoscale.ProvisionDelay = 25 * time.Hour }, "autoscale.provision_delay: must be <= 24h0m0s, got 25h0m0s"},
		{"step bound", func(c *Config) { c.Autoscale.MaxScaleUpStep = 1 << 40 }, "autoscale.max_scale_up_step: must be <= 10000, got 1099511627776"},
		{"utilization bound", func(c *Config) { c.Autoscale.TargetUtilization = 1e300 }, "autoscale.target_utilization: must be <= 100, got 1e+300"},
		{"rps bound", func(c *Config) { c.Autoscale.Metric = MetricRPS; c.Autoscale.TargetRPS = 1e300 }, "autoscale.target_rps: must be <= 10000000, got 1e+300"},
		{"autoscale off skips its checks", func(c *Config) { c.Autoscale.Enabled = &off; c.Autoscale.Metric = "cpu" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{}.WithDefaults()
			tt.edit(&c)
			err := c.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.want != "" && (err == nil || err.Error() != tt.want):
				t.Errorf("error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestWithDefaults(t *testing.T) {
	c := Config{Replicas: 3}.WithDefaults()
	a := c.Autoscale
	if c.Seed != 1 || c.Slots != 8 || c.QueueLimit != 10000 || c.QueueTimeout != 2*time.Second ||
		c.Balancer != RoundRobin || c.Service != (Dist{Fixed: 20 * time.Millisecond}) ||
		!a.On() || a.Metric != MetricUtilization || a.TargetUtilization != 0.7 || a.Interval != 15*time.Second ||
		a.MetricWindow != 15*time.Second || a.ProvisionDelay != time.Minute || a.ScaleDownStabilization != 5*time.Minute ||
		a.MinReplicas != 3 || a.MaxReplicas != 10 {
		t.Errorf("defaults = %+v", c)
	}
}

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("good.yaml", `seed: 7
replicas: 2
slots: 4
service: {median: 20ms, p99: 120ms}
routes:
  - pattern: /users/*/teams
    service: {fixed: 50ms}
autoscale:
  target_utilization: 0.9
  interval: 15s
  provision_delay: 30s
`)
	c, err := LoadConfig(good)
	if err != nil {
		t.Fatal(err)
	}
	if c.Seed != 7 || c.Service.P99 != 120*time.Millisecond || c.Routes[0].Service.Fixed != 50*time.Millisecond ||
		c.Autoscale.ProvisionDelay != 30*time.Second || c.QueueLimit != 0 {
		t.Errorf("loaded %+v", c)
	}

	tests := []struct{ name, body, want string }{
		{"unknown field", "slots: 4\nautoscale:\n  intervall: 5s\n", "bad.yaml:3:3: "},
		{"wrong type", "slots: many\n", "bad.yaml:1:8: "},
		{"invalid value", "replicas: 2\nslots: -1\n", "bad.yaml:2:8: slots: must be >= 1, got -1"},
		{"nested invalid", "routes:\n  - pattern: /a\n    service: {median: 20ms, p99: 1ms}\n", "bad.yaml:3:34: routes[0].service.p99: must be >= median 20ms, got 1ms"},
		{"replicas 0 (#20 item 9)", "replicas: 0\n", "bad.yaml:1:11: replicas: must be >= 1, got 0"},
		{"slots 0", "slots: 0\n", "bad.yaml:1:8: slots: must be >= 1, got 0"},
		{"queue timeout 0", "queue_timeout: 0s\n", "bad.yaml:1:16: queue_timeout: must be > 0, got 0s"},
		{"service 0", "service: {fixed: 0s}\n", "bad.yaml:1:10: service: must be > 0, got 0s"},
		{"max replicas 0", "autoscale: {max_replicas: 0}\n", "bad.yaml:1:27: autoscale.max_replicas: must be >= 1, got 0"},
		{"interval 0", "autoscale:\n  interval: 0s\n", "bad.yaml:2:13: autoscale.interval: must be > 0, got 0s"},
		{"replicas huge (#20 item 8)", "replicas: 100000000\n", "bad.yaml:1:11: replicas: must be <= 10000, got 100000000"},
		{"bad duration", "seed: 1\nqueue_timeout: 2 seconds\n", `bad.yaml:2:16: queue_timeout: unknown unit " seconds" in duration "2 seconds"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := write("bad.yaml", tt.body)
			_, err := LoadConfig(p)
			if err == nil {
				t.Fatal("no error")
			}
			msg := strings.TrimPrefix(err.Error(), dir+string(filepath.Separator))
			t.Log(msg)
			if !strings.HasPrefix(msg, tt.want) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want prefix %q on one line", msg, tt.want)
			}
		})
	}
}
