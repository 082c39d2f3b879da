package attack

// filesOfProcess is what a run holds open beside its connections: standard
// streams, the record's files, the results file, listeners, the runtime's
// poller, with room to spare.
const filesOfProcess = 64

// FilesNeeded is how many file descriptors the run may hold open at once
// when up to inFlight of its planned requests are in flight together (at
// most as many as the workers allow), beside its closed loops' workers:
// over HTTP/1.1 a socket per request in flight,
// at most the connection cap and the worker cap; over HTTP/2 without TLS a
// socket per StreamsPerConn requests. served is added when this process
// also serves them (the embedded simulator: a socket at each end).
func (e *Engine) FilesNeeded(inFlight int, served bool) (need, conns int) {
	closed := 0
	for _, l := range e.loops {
		closed += l.workers
	}
	conns = min(max(inFlight, 0), e.maxWorkers) + closed
	if c := e.client; c.H2C {
		conns = 1 + conns/orDefault(c.StreamsPerConn, 100)
	} else if c.MaxConnections > 0 {
		conns = min(conns, c.MaxConnections)
	}
	need = filesOfProcess + conns
	if served {
		need += conns
	}
	return need, conns
}
