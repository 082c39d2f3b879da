package outcome

import (
	"net/url"
	"regexp"
	"strings"
)

// RedactURL hides the secrets a URL may carry, as a header's are hidden:
// its user info and every query value. The path stays: it says what was hit.
func RedactURL(raw string) string {
	if !strings.ContainsAny(raw, "?@") {
		return raw // nothing to hide: the common case, kept cheap
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"REDACTED"}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// urlInText finds the URLs net/http quotes in its errors (Get "URL": ...).
var urlInText = regexp.MustCompile(`[a-zA-Z][a-zA-Z0-9+.-]*://[^\s"]+`)

// RedactText redacts every URL in an error message.
func RedactText(s string) string {
	if !strings.Contains(s, "://") {
		return s
	}
	return urlInText.ReplaceAllStringFunc(s, RedactURL)
}
