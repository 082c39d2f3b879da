// Package loggen writes synthetic access logs for benchmarks: nginx
// combined lines with a trailing request time, at a steady rate over a mix
// of routes, with one burst of the teams route in the middle. The lines are
// the length of production ones (about 200 bytes, user agents included).
package loggen

import (
	"bufio"
	"fmt"
	"io"
	"time"
)

// Start is the generated log's first second.
var Start = time.Date(2019, 11, 14, 15, 4, 0, 0, time.FixedZone("", -5*3600))

// routes are the generated requests' method and path shapes; %d is an id.
var routes = []string{
	"GET /users/%d/teams", "GET /users/%d/teams", "GET /users/%d/teams", "GET /users/%d/teams",
	"GET /conversations/%d/messages", "GET /conversations/%d/messages", "POST /conversations/%d/messages",
	"GET /customers/%d", "GET /customers/%d?include=notes", "PUT /customers/%d", "GET /search?q=shoes&page=%d",
	"GET /health", "GET /teams/%d/members", "DELETE /teams/%d/members/7", "GET /notifications?since=%d",
	"GET /static/app.%d.js", "POST /events", "GET /users/%d", "PATCH /users/%d", "GET /kb/articles/%d",
}

var agents = []string{
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.0.3 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/78.0.3904.97 Safari/537.36",
	"kustomer-ios/7.1 CFNetwork/1120 Darwin/19.0.0",
}

// WriteCombined writes at least size bytes of log at rate requests per
// second (the teams route at four times its share for a minute in the
// middle) and returns the lines written.
func WriteCombined(w io.Writer, size int64, rate int) (int64, error) {
	bw := bufio.NewWriterSize(w, 1<<20)
	var written, lines int64
	x := uint64(1)
	next := func() uint64 { // xorshift: cheap and fixed
		x ^= x << 13
		x ^= x >> 7
		x ^= x << 17
		return x
	}
	// Seconds the log will span, to put the burst in the middle.
	span := size / 200 / int64(rate)
	var buf []byte
	for s := int64(0); written < size; s++ {
		ts := Start.Add(time.Duration(s) * time.Second).Format("02/Jan/2006:15:04:05 -0700")
		n := rate
		burst := s >= span/2 && s < span/2+60
		if burst {
			n *= 4
		}
		for k := 0; k < n; k++ {
			r := routes[next()%uint64(len(routes))]
			if burst && k >= rate {
				r = routes[0]
			}
			path := r
			if containsVerb(r) {
				path = fmt.Sprintf(r, 100+next()%100000)
			}
			buf = buf[:0]
			buf = fmt.Appendf(buf, "10.0.%d.%d - - [%s] \"%s HTTP/1.1\" %d %d \"https://app.example.com/inbox\" \"%s\" 0.%03d\n",
				next()%256, next()%256, ts, path, status(next()), 200+next()%5000, agents[next()%3], next()%400)
			m, err := bw.Write(buf)
			if err != nil {
				return lines, err
			}
			written += int64(m)
			lines++
		}
	}
	return lines, bw.Flush()
}

func containsVerb(s string) bool {
	for i := 0; i+1 < len(s); i++ {
		if s[i] == '%' && s[i+1] == 'd' {
			return true
		}
	}
	return false
}

func status(r uint64) int {
	switch r % 100 {
	case 0:
		return 503
	case 1, 2:
		return 404
	case 3:
		return 304
	}
	return 200
}
