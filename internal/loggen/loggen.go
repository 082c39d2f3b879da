// Package loggen writes synthetic access logs for benchmarks: nginx
// combined lines with a trailing request time, AWS ALB entries or JSON
// lines, at a steady rate over a mix of routes, with one burst of the teams
// route in the middle. The lines are the length of production ones (200 to
// 600 bytes, user agents included).
package loggen

import (
	"bufio"
	"fmt"
	"io"
	"strings"
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

// WriteCombined writes at least size bytes of nginx log at rate requests
// per second (the teams route at four times its share for a minute in the
// middle) and returns the lines written.
func WriteCombined(w io.Writer, size int64, rate int) (int64, error) {
	return Write(w, "combined", size, rate)
}

// Write is WriteCombined in a format: combined, alb or json.
func Write(w io.Writer, format string, size int64, rate int) (int64, error) {
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
	span := size / lineSize[format] / int64(rate)
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
			st, lat := status(next()), time.Duration(next()%400)*time.Millisecond
			switch format {
			case "alb":
				at := Start.Add(time.Duration(s)*time.Second + time.Duration(k)*time.Second/time.Duration(n))
				method, target, _ := strings.Cut(path, " ")
				buf = fmt.Appendf(buf, "https %s app/prod-api/50dc6c495c0c9188 10.0.%d.%d:%d 10.0.0.1:80 0.000 %.3f 0.000 %d %d 412 %d \"%s https://api.example.com:443%s HTTP/1.1\" \"%s\" ECDHE-RSA-AES128-GCM-SHA256 TLSv1.2 arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/api/73e2d6bc24d8a067 \"Root=1-5dcdb2a0-%024x\" \"api.example.com\" \"arn:aws:acm:us-east-2:123456789012:certificate/12345678-1234-1234-1234-123456789012\" 1 %s \"forward\" \"-\" \"-\" \"10.0.0.1:80\" \"%d\" \"-\" \"-\" TID_%016x\n",
					at.Add(lat).UTC().Format("2006-01-02T15:04:05.000000Z"), next()%256, next()%256, 1024+next()%60000, lat.Seconds(), st, st, 200+next()%5000,
					method, target, agents[next()%3], next()>>32, at.UTC().Format("2006-01-02T15:04:05.000000Z"), st, next())
			case "json":
				at := Start.Add(time.Duration(s)*time.Second + time.Duration(k)*time.Second/time.Duration(n))
				method, target, _ := strings.Cut(path, " ")
				buf = fmt.Appendf(buf, `{"timestamp":"%s","level":"info","remote_addr":"10.0.%d.%d","method":"%s","path":"%s","status":%d,"bytes":%d,"latency":%.3f,"user_agent":"%s"}`+"\n",
					at.UTC().Format("2006-01-02T15:04:05.000Z07:00"), next()%256, next()%256, method, target, st, 200+next()%5000, lat.Seconds(), agents[next()%3])
			default:
				buf = fmt.Appendf(buf, "10.0.%d.%d - - [%s] \"%s HTTP/1.1\" %d %d \"https://app.example.com/inbox\" \"%s\" %.3f\n",
					next()%256, next()%256, ts, path, st, 200+next()%5000, agents[next()%3], lat.Seconds())
			}
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

// lineSize is about how long a line of each format is.
var lineSize = map[string]int64{"combined": 220, "alb": 560, "json": 260}

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
