package sim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"
)

// Event is one entry of the simulator's ground-truth log.
type Event struct {
	// At is when it happened (wall clock).
	At time.Time `json:"at"`
	// Kind is "start" (Start was called), "decision" (the autoscaler changed
	// the desired count from From to Desired), "ready" (replica Replica began
	// serving) or "removed" (replica Replica was removed: a ready one stops
	// taking requests and drains, a provisioning one never serves).
	Kind string `json:"kind"`
	// Replicas is the number of ready replicas after the event.
	Replicas int `json:"replicas"`
	// Desired is the desired replica count after the event.
	Desired int `json:"desired"`
	// Metric is the autoscaler's windowed metric value at the event.
	Metric float64 `json:"metric"`
	// From is the desired count before a decision.
	From int `json:"from,omitempty"`
	// Replica is the id of the replica a ready or removed event is about.
	Replica int `json:"replica,omitempty"`
}

// State is a snapshot of the simulator, served as JSON at /_sim/state.
type State struct {
	At time.Time `json:"at"`
	// Ready, Pending and Desired count replicas: serving, provisioning, and
	// the autoscaler's target (Ready + Pending).
	Ready   int `json:"ready"`
	Desired int `json:"desired"`
	Pending int `json:"pending"`
	// QueueDepth is requests waiting for a slot; InFlight is requests
	// holding one (draining replicas included in both).
	QueueDepth int `json:"queue_depth"`
	InFlight   int `json:"in_flight"`
	// Slots is the total slots of the ready replicas.
	Slots int `json:"slots"`
	// Utilization is the instantaneous (busy + queued) / slots of the ready
	// replicas; above 1 means a queue.
	Utilization float64 `json:"utilization"`
	// MetricName and Metric are the autoscaler's metric and its last
	// windowed value; Target is what it aims for.
	MetricName  string  `json:"metric_name"`
	Metric      float64 `json:"metric"`
	Target      float64 `json:"target"`
	Autoscaling bool    `json:"autoscaling"`
	// Requests is the number of load requests received.
	Requests uint64         `json:"requests"`
	Replicas []ReplicaState `json:"replicas"`
}

// ReplicaState describes one replica that is ready or pending.
type ReplicaState struct {
	ID      int       `json:"id"`
	State   string    `json:"state"` // "ready" or "pending"
	Busy    int       `json:"busy"`
	Queued  int       `json:"queued"`
	Created time.Time `json:"created"`
}

// State returns a snapshot of the simulator.
func (s *Sim) State() State {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := State{
		At:          time.Now(),
		Ready:       len(s.ready),
		Desired:     s.desired,
		Pending:     len(s.pending),
		QueueDepth:  s.queued,
		InFlight:    s.busy,
		Slots:       len(s.ready) * s.cfg.Slots,
		Utilization: s.utilization(),
		MetricName:  s.cfg.Autoscale.Metric,
		Metric:      s.scaler.metric,
		Target:      s.scaler.target(),
		Autoscaling: s.cfg.Autoscale.On(),
		Requests:    s.arrivals,
	}
	for _, list := range [][]*replica{s.ready, s.pending} {
		for _, r := range list {
			st.Replicas = append(st.Replicas, ReplicaState{
				ID: r.id, State: r.state.String(), Busy: r.busy, Queued: r.queue.Len(), Created: r.created,
			})
		}
	}
	return st
}

// Events returns a copy of the event log, oldest first.
func (s *Sim) Events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Event(nil), s.events...)
}

// record appends an event; Replicas is filled in. Callers hold s.mu and
// call notify after unlocking.
func (s *Sim) record(now time.Time, e Event) {
	e.At = now
	e.Replicas = len(s.ready)
	s.events = append(s.events, e)
}

// notify hands events not yet delivered to the OnEvent callback, in order,
// without holding s.mu.
func (s *Sim) notify() {
	s.notifyMu.Lock()
	defer s.notifyMu.Unlock()
	if s.onEvent == nil {
		return
	}
	s.mu.Lock()
	fresh := append([]Event(nil), s.events[s.delivered:]...)
	s.delivered = len(s.events)
	s.mu.Unlock()
	for _, e := range fresh {
		s.onEvent(e)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

// String says what happened in one line, for logs.
func (e Event) String() string {
	at := e.At.Format(time.TimeOnly + ".000")
	switch e.Kind {
	case "decision":
		return fmt.Sprintf("%s scale %d -> %d (metric %.2f), %d ready", at, e.From, e.Desired, e.Metric, e.Replicas)
	case "ready", "removed":
		return fmt.Sprintf("%s replica %d %s, %d ready of %d desired", at, e.Replica, e.Kind, e.Replicas, e.Desired)
	}
	return fmt.Sprintf("%s %s, %d ready", at, e.Kind, e.Replicas)
}
