// Command examplecheck checks the Kubernetes manifests in examples/
// offline: each document is decoded strictly (unknown or misplaced fields
// are errors) into the k8s.io/api type of its kind, and an Indexed Job must
// keep its shards independent (backoffLimitPerIndex, restartPolicy Never).
// It is its own module so the Kubernetes API types stay out of burstlab's
// dependencies. Run by `make lint-examples`:
//
//	go run . ../../examples/kubernetes/*.yaml
package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"
)

func main() {
	failed := false
	for _, path := range os.Args[1:] {
		if err := checkFile(path); err != nil {
			fmt.Fprintln(os.Stderr, err)
			failed = true
		}
	}
	if failed || len(os.Args) < 2 {
		os.Exit(1)
	}
}

var (
	separator = regexp.MustCompile(`(?m)^---\s*$`)
	comment   = regexp.MustCompile(`(?m)^\s*#.*$`) // a comment line
)

func checkFile(path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	for i, doc := range separator.Split(string(data), -1) {
		if len(bytes.TrimSpace(stripComments([]byte(doc)))) == 0 {
			continue
		}
		if err := checkDoc([]byte(doc)); err != nil {
			return fmt.Errorf("%s: document %d: %w", path, i+1, err)
		}
	}
	return nil
}

func stripComments(doc []byte) []byte {
	return comment.ReplaceAll(doc, nil)
}

// checkDoc decodes one manifest strictly into the type of its kind.
func checkDoc(doc []byte) error {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(doc, &head); err != nil {
		return err
	}
	var obj any
	switch head.APIVersion + " " + head.Kind {
	case "v1 PersistentVolumeClaim":
		obj = &corev1.PersistentVolumeClaim{}
	case "v1 ConfigMap":
		obj = &corev1.ConfigMap{}
	case "batch/v1 Job":
		obj = &batchv1.Job{}
	default:
		return fmt.Errorf("%s %s: no schema here: add its type to examplecheck", head.APIVersion, head.Kind)
	}
	if err := yaml.UnmarshalStrict(doc, obj); err != nil {
		return fmt.Errorf("%s: %w", head.Kind, err)
	}
	if job, ok := obj.(*batchv1.Job); ok {
		return checkJob(job)
	}
	return nil
}

// checkJob holds an Indexed Job to what its shards need: a failing shard
// must not stop the others, and a pod must not restart into a start time
// that has passed.
func checkJob(job *batchv1.Job) error {
	s := job.Spec
	switch {
	case s.CompletionMode == nil || *s.CompletionMode != batchv1.IndexedCompletion:
		return fmt.Errorf("Job %s: completionMode must be Indexed", job.Name)
	case s.BackoffLimitPerIndex == nil:
		return fmt.Errorf("Job %s: set backoffLimitPerIndex, so one shard's failure does not stop the others", job.Name)
	case s.BackoffLimit != nil:
		return fmt.Errorf("Job %s: backoffLimit counts failures across all shards: use backoffLimitPerIndex alone", job.Name)
	case s.Template.Spec.RestartPolicy != corev1.RestartPolicyNever:
		return fmt.Errorf("Job %s: restartPolicy must be Never (backoffLimitPerIndex requires it)", job.Name)
	case len(s.Template.Spec.Containers) == 0:
		return fmt.Errorf("Job %s: no containers", job.Name)
	}
	return nil
}
