package profiles

import (
	"bytes"
	"strings"
	"testing"

	"github.com/goccy/go-yaml"
)

const secretProfile = head + `streams:
  - name: s
    request:
      method: POST
      path: /teams/{seq}
      headers:
        Authorization: "Bearer ${BURSTLAB_TEST_TOKEN}"
        X-Literal: "$${NOT_A_VAR}"
        X-Pick: "{choice:a,b}"
      body: '{"token": "${BURSTLAB_TEST_TOKEN}", "sub": {subscriber}, "n": {rand:1..3}}'
    constant: {rate: 10}
`

func TestSecretsReachRequestsOnly(t *testing.T) {
	t.Setenv("BURSTLAB_TEST_TOKEN", "s3cr3t-value")
	p := mustParse(t, secretProfile)
	pl, err := NewPlan(p)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := pl.Schedule().Next()
	r := pl.Request(a)
	if got := r.Header.Get("Authorization"); got != "Bearer s3cr3t-value" {
		t.Errorf("Authorization %q", got)
	}
	if got := r.Header.Get("X-Literal"); got != "${NOT_A_VAR}" {
		t.Errorf("X-Literal %q", got)
	}
	if got := r.Header.Get("X-Pick"); got != "a" && got != "b" {
		t.Errorf("X-Pick %q", got)
	}
	if body := string(r.Body); !strings.HasPrefix(body, `{"token": "s3cr3t-value", "sub": 0, "n": `) {
		t.Errorf("body %q", body)
	}
	if got := p.Secrets(); len(got) != 1 || got[0] != "s3cr3t-value" {
		t.Errorf("Secrets() = %q", got)
	}
	if got := p.Redact("sent Bearer s3cr3t-value"); got != "sent Bearer ${BURSTLAB_TEST_TOKEN}" {
		t.Errorf("Redact: %q", got)
	}

	// Nothing printable carries the value.
	var out bytes.Buffer
	y, err := yaml.Marshal(p.Redacted())
	if err != nil {
		t.Fatal(err)
	}
	out.Write(y)
	if err := WritePlan(&out, pl); err != nil {
		t.Fatal(err)
	}
	if err := WritePlanJSON(&out, pl); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(out.String(), "s3cr3t") {
		t.Errorf("secret leaked:\n%s", out.String())
	}
	if !strings.Contains(string(y), "${BURSTLAB_TEST_TOKEN}") {
		t.Errorf("redacted copy lost the reference:\n%s", y)
	}

	// The redacted copy plans the same requests again from the environment.
	pl2, err := NewPlan(p.Redacted())
	if err != nil {
		t.Fatal(err)
	}
	if hashPlan(pl) != hashPlan(pl2) {
		t.Error("the redacted copy plans differently")
	}
}

func TestUnsetSecretIsAProfileError(t *testing.T) {
	_, err := Parse("test.yaml", []byte(strings.Replace(secretProfile, "BURSTLAB_TEST_TOKEN}\"", "BURSTLAB_TEST_UNSET}\"", 1)))
	want := `test.yaml:11:24: streams[0].request.headers.Authorization: environment variable BURSTLAB_TEST_UNSET is not set`
	if err == nil || err.Error() != want {
		t.Fatalf("error %v\nwant %s", err, want)
	}
}

func TestBodyFile(t *testing.T) {
	t.Setenv("BURSTLAB_TEST_TOKEN", "tok")
	dir := t.TempDir()
	writeFile(t, dir, "body.json", `{"user": {subscriber}, "key": "${BURSTLAB_TEST_TOKEN}"}`)
	path := writeFile(t, dir, "p.yaml", head+"streams:\n  - {name: s, request: {method: PUT, path: /, body_file: body.json}, constant: {rate: 1}}\n")
	p, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	pl, _ := NewPlan(p)
	a, _ := pl.Schedule().Next()
	if got := string(pl.Request(a).Body); got != `{"user": 0, "key": "tok"}` {
		t.Errorf("body %q", got)
	}
}

func TestWeightedMix(t *testing.T) {
	pl := mustPlan(t, head+`streams:
  - name: s
    requests:
      - {weight: 3, path: /read}
      - {method: POST, path: /write}
    constant: {rate: 200}
`)
	n := map[string]int{}
	for _, a := range arrivals(pl) {
		r := pl.Request(a)
		n[r.Method+" "+r.Path]++
	}
	if share := float64(n["GET /read"]) / float64(pl.Total); share < 0.73 || share > 0.77 {
		t.Errorf("GET /read share %.3f of %v, want 0.75", share, n)
	}
	if n["GET /read"]+n["POST /write"] != int(pl.Total) {
		t.Errorf("mix %v", n)
	}
}

func TestTextTemplates(t *testing.T) {
	for in, want := range map[string]string{
		`{"a": {seq}}`:      `{"a": 5}`,
		`{ "x": [1, 2] }`:   `{ "x": [1, 2] }`,
		`${HOME}{event}`:    `${HOME}2`,
		`{}`:                `{}`,
		`id={subscriber}&x`: `id=9&x`,
	} {
		tp, err := parseTextTemplate(in)
		if err != nil {
			t.Fatalf("%q: %v", in, err)
		}
		if got := tp.Render(Vars{Seq: 5, Event: 2, Subscriber: 9}); got != want {
			t.Errorf("%q rendered %q, want %q", in, got, want)
		}
	}
	if _, err := parseTextTemplate(`{"a": {sek}}`); err == nil || !strings.Contains(err.Error(), "unknown placeholder {sek}") {
		t.Errorf("typo: %v", err)
	}
	if _, err := ParseTemplate("/a/{b"); err == nil {
		t.Error("path: unclosed placeholder accepted")
	}
}
