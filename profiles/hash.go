package profiles

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/goccy/go-yaml"
)

// Hash identifies the plan p makes: the same profile (secrets aside) and
// seed give the same hash on every machine, so the shards of one plan can
// be told from the records of another. "" when p cannot be written out.
func (p *Profile) Hash() string {
	b, err := yaml.Marshal(p.Redacted())
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:8])
}
