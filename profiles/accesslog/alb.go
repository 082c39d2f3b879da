package accesslog

import (
	"fmt"
	"strconv"
	"time"
)

// The fields of an ALB access log entry this package reads, by position
// (space-separated, quoted fields counting as one):
//
//	0 type  1 time  2 elb  3 client:port  4 target:port
//	5 request_processing_time  6 target_processing_time  7 response_processing_time
//	8 elb_status_code  9 target_status_code  10 received_bytes  11 sent_bytes
//	12 "request"  13 "user_agent"  ...  21 request_creation_time
//
// time is when the load balancer answered; request_creation_time, when it
// received the request: the arrival. The three processing times are seconds,
// -1 when the request never reached a target (then the latency is unknown).
const (
	albTime     = 1
	albReqProc  = 5
	albStatus   = 8
	albRequest  = 12
	albCreation = 21
	albFields   = albCreation + 1
)

// albTypes are the values of an ALB entry's first field.
var albTypes = map[string]bool{"http": true, "https": true, "h2": true, "grpcs": true, "ws": true, "wss": true}

func (p *parser) parseALB(line []byte, e *Entry) error {
	var fs [albFields][]byte
	n := splitQuoted(line, fs[:])
	if n <= albRequest {
		return fmt.Errorf("not an ALB access log entry: %d fields, want at least %d", n, albRequest+1)
	}
	if !albTypes[string(fs[0])] {
		return fmt.Errorf("type %q: want http, https, h2, grpcs, ws or wss", fs[0])
	}
	req := fs[albRequest]
	if len(req) < 2 || req[0] != '"' || req[len(req)-1] != '"' {
		return fmt.Errorf("request %q: want a quoted \"METHOD URL PROTOCOL\"", req)
	}
	if err := splitRequest(req[1:len(req)-1], e); err != nil {
		return err
	}
	e.Status = 0
	if s := fs[albStatus]; !(len(s) == 1 && s[0] == '-') {
		st, err := atoi(s)
		if err != nil || st < 100 || st > 999 {
			return fmt.Errorf("elb_status_code %q: want a 3-digit HTTP status", s)
		}
		e.Status = st
	}
	e.Latency = 0
	for i := albReqProc; i < albReqProc+3; i++ {
		v, err := strconv.ParseFloat(string(fs[i]), 64)
		if err != nil {
			return fmt.Errorf("%s %q: want seconds", albTimeNames[i-albReqProc], fs[i])
		}
		if v < 0 {
			e.Latency = -1
			break
		}
		e.Latency += time.Duration(v * float64(time.Second))
	}
	if n > albCreation {
		if t, err := p.clock.parse(time.RFC3339Nano, fs[albCreation]); err == nil {
			e.Time, e.Sub = t, true
			return nil
		}
	}
	t, err := time.Parse(time.RFC3339Nano, string(fs[albTime]))
	if err != nil {
		return fmt.Errorf("time %q: want an ISO 8601 time such as 2018-07-02T22:23:00.186641Z", fs[albTime])
	}
	if e.Latency > 0 {
		t = t.Add(-e.Latency)
	}
	e.Time, e.Sub = t, true
	return nil
}

var albTimeNames = [3]string{"request_processing_time", "target_processing_time", "response_processing_time"}

// splitQuoted splits line at spaces, a double-quoted field (quotes kept)
// counting as one, into fs; it returns how many fields it found, at most
// len(fs).
func splitQuoted(line []byte, fs [][]byte) int {
	n := 0
	for i := 0; i < len(line) && n < len(fs); {
		if line[i] == ' ' || line[i] == '\r' {
			i++
			continue
		}
		j := i
		if line[i] == '"' {
			k := closingQuote(line[i+1:])
			if k < 0 {
				j = len(line)
			} else {
				j = i + 1 + k + 1
			}
		} else {
			for j < len(line) && line[j] != ' ' {
				j++
			}
		}
		fs[n] = line[i:j]
		n++
		i = j
	}
	return n
}

// looksALB reports whether a line starts like an ALB entry.
func looksALB(line []byte) bool {
	var fs [2][]byte
	if splitQuoted(line, fs[:]) < 2 || !albTypes[string(fs[0])] {
		return false
	}
	_, err := time.Parse(time.RFC3339Nano, string(fs[1]))
	return err == nil
}
