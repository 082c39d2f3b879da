package report

import (
	"fmt"
	"path/filepath"
)

// ShardOf is which shard of a plan a run sent: every Count-th planned
// request from the Index-th.
type ShardOf struct {
	Index int `json:"index"`
	Count int `json:"count"`
}

func (s ShardOf) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// checkShardSet says why recs are not the distinct shards of one plan, or
// nil: each record given once, the same plan hash, distinct shard indexes
// of the same count. Records from before shards were stamped (no ShardOf)
// are only checked for being given twice.
func checkShardSet(recs []*Record) error {
	seen := map[string]string{}
	for _, r := range recs {
		abs, _ := filepath.Abs(r.dirs[0])
		key := "dir " + abs
		if r.ShardOf != nil {
			key = "shard " + r.ShardOf.String()
		}
		if prev, ok := seen[key]; ok {
			if prev == r.dirs[0] {
				return fmt.Errorf("%s is given twice: each shard is merged once", r.dirs[0])
			}
			return fmt.Errorf("%s and %s are both shard %s: each shard is merged once", prev, r.dirs[0], r.ShardOf)
		}
		seen[key] = r.dirs[0]
		if abs != "" {
			if prev, ok := seen["dir "+abs]; ok && prev != r.dirs[0] {
				return fmt.Errorf("%s is given twice (as %s): each shard is merged once", r.dirs[0], prev)
			}
			seen["dir "+abs] = r.dirs[0]
		}
	}
	a := recs[0]
	for _, r := range recs[1:] {
		switch {
		case a.Plan != r.Plan:
			return fmt.Errorf("%s and %s are not shards of one plan: plan %q vs %q", a.dirs[0], r.dirs[0], a.Plan, r.Plan)
		case (a.ShardOf == nil) != (r.ShardOf == nil):
			whole := a
			if whole.ShardOf != nil {
				whole = r
			}
			return fmt.Errorf("%s is a whole run, not a shard: merge only the records of one plan's --shard i/n runs", whole.dirs[0])
		case a.ShardOf != nil && a.ShardOf.Count != r.ShardOf.Count:
			return fmt.Errorf("%s is shard %s and %s shard %s: not shards of one split", a.dirs[0], a.ShardOf, r.dirs[0], r.ShardOf)
		}
	}
	return nil
}

// partialWarning says that rec holds only some shards of its plan.
func partialWarning(rec *Record) string {
	of, have := rec.PlanShards, max(rec.Shards, 1)
	if rec.ShardOf != nil {
		of = rec.ShardOf.Count
	}
	if of <= have {
		return ""
	}
	return fmt.Sprintf("partial: %d of %d shards of the plan; the figures cover that share of the load, not the whole plan (give every shard's record to burstlab report)", have, of)
}
