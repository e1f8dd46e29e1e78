package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/ncgn/ncgn/experiments"
)

// yamlDocs splits a multi-document YAML file.
func yamlDocs(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for _, d := range bytes.Split(b, []byte("\n---\n")) {
		if len(bytes.TrimSpace(d)) > 0 {
			out = append(out, d)
		}
	}
	return out
}

// TestDeploy_KubernetesManifests parses deploy/kubernetes*.yaml as Kubernetes objects: the
// shards are a valid batch/v1 Job in Indexed completion mode whose NCGN_SHARD_COUNT equals its
// completions and whose pods run `--shard auto` on the claimed volume; the report Job runs
// `--report` on the same volume and arguments.
func TestDeploy_KubernetesManifests(t *testing.T) {
	docs := yamlDocs(t, filepath.Join("deploy", "kubernetes.yaml"))
	if len(docs) != 2 {
		t.Fatalf("deploy/kubernetes.yaml holds %d documents, want a PersistentVolumeClaim and a Job", len(docs))
	}
	var pvc corev1.PersistentVolumeClaim
	if err := yaml.UnmarshalStrict(docs[0], &pvc); err != nil || pvc.Kind != "PersistentVolumeClaim" || pvc.Name == "" {
		t.Fatalf("first document: %v, %+v", err, pvc.TypeMeta)
	}
	var job batchv1.Job
	if err := yaml.UnmarshalStrict(docs[1], &job); err != nil {
		t.Fatalf("shards Job: %v", err)
	}
	if job.APIVersion != "batch/v1" || job.Kind != "Job" || job.Spec.CompletionMode == nil || *job.Spec.CompletionMode != batchv1.IndexedCompletion {
		t.Fatalf("shards: %s %s completion mode %v, want a batch/v1 Job in Indexed mode", job.APIVersion, job.Kind, job.Spec.CompletionMode)
	}
	if job.Spec.Completions == nil || job.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Fatalf("shards: completions %v, restart policy %q", job.Spec.Completions, job.Spec.Template.Spec.RestartPolicy)
	}
	c := job.Spec.Template.Spec.Containers[0]
	count := ""
	for _, e := range c.Env {
		if e.Name == experiments.EnvShardCount {
			count = e.Value
		}
	}
	if want := strconv.Itoa(int(*job.Spec.Completions)); count != want {
		t.Errorf("%s = %q, want the completions %s", experiments.EnvShardCount, count, want)
	}
	if !slices.Contains(c.Args, "--shard") || c.Args[slices.Index(c.Args, "--shard")+1] != "auto" || len(c.VolumeMounts) == 0 {
		t.Errorf("shard pods: args %v, mounts %v", c.Args, c.VolumeMounts)
	}
	if job.Spec.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName != pvc.Name {
		t.Errorf("the shards mount claim %q, the file declares %q", job.Spec.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName, pvc.Name)
	}
	// The arguments must be a valid experiment command line.
	if out, code := runApp(append(slices.Clone(c.Args), "--list-cells")...); code != 0 {
		t.Errorf("the shard arguments are not a valid command line (exit %d):\n%s", code, out)
	}

	rdocs := yamlDocs(t, filepath.Join("deploy", "kubernetes-report.yaml"))
	var report batchv1.Job
	if err := yaml.UnmarshalStrict(rdocs[0], &report); err != nil {
		t.Fatalf("report Job: %v", err)
	}
	rc := report.Spec.Template.Spec.Containers[0]
	if !slices.Contains(rc.Args, "--report") || slices.Contains(rc.Args, "--shard") || report.Spec.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName != pvc.Name {
		t.Errorf("report Job: args %v, claim %q", rc.Args, report.Spec.Template.Spec.Volumes[0].PersistentVolumeClaim.ClaimName)
	}
	shardArgs := slices.DeleteFunc(slices.Clone(c.Args), func(a string) bool { return a == "--shard" || a == "auto" })
	reportArgs := slices.DeleteFunc(slices.Clone(rc.Args), func(a string) bool { return a == "--report" })
	if !slices.Equal(shardArgs, reportArgs) {
		t.Errorf("the report's arguments %v differ from the shards' %v", reportArgs, shardArgs)
	}
}

// TestDeploy_SlurmScript runs deploy/slurm.sbatch's three roles with SLURM's variables set by
// hand and a stand-in binary that records its arguments: submission (a stand-in sbatch), the
// array tasks and the report. The recorded command lines are then run in-process on the smoke
// preset: three shards and the report complete Table 3.
func TestDeploy_SlurmScript(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Skip("bash not found")
	}
	dir := t.TempDir()
	record := filepath.Join(dir, "calls")
	stand := func(name, body string) {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("#!/usr/bin/env bash\n"+body+"\n"), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	stand("ncgn", `echo "ncgn $*" >> `+record)
	stand("sbatch", `echo "sbatch $*" >> `+record+`; echo 4242`)
	out := filepath.Join(dir, "out")
	run := func(extra ...string) {
		t.Helper()
		cmd := exec.Command("bash", filepath.Join("deploy", "slurm.sbatch"))
		cmd.Env = append(os.Environ(), "PATH="+dir+":"+os.Getenv("PATH"), "NCGN_BIN="+filepath.Join(dir, "ncgn"),
			"NCGN_EXPERIMENT=transcriptomics", "NCGN_SCALE=smoke", "NCGN_SEEDS=1", "NCGN_OUT="+out, "NCGN_SHARDS=3")
		cmd.Env = append(cmd.Env, extra...)
		if b, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("slurm.sbatch %v: %v\n%s", extra, err, b)
		}
	}
	run() // submission
	for i := range 3 {
		run("SLURM_ARRAY_TASK_ID="+strconv.Itoa(i), "SLURM_ARRAY_TASK_COUNT=3", "SLURM_ARRAY_TASK_MIN=0")
	}
	run("NCGN_REPORT=1")
	b, err := os.ReadFile(record)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 6 || !strings.HasPrefix(lines[0], "sbatch --parsable --array=0-2 ") || !strings.Contains(lines[1], "--dependency=afterany:4242") {
		t.Fatalf("calls:\n%s", b)
	}
	for i := range 3 {
		args := strings.Fields(strings.TrimPrefix(lines[2+i], "ncgn "))
		if !slices.Contains(args, "--shard") {
			t.Fatalf("array task %d ran %v", i, args)
		}
		t.Setenv("SLURM_ARRAY_TASK_ID", strconv.Itoa(i))
		t.Setenv("SLURM_ARRAY_TASK_COUNT", "3")
		t.Setenv("SLURM_ARRAY_TASK_MIN", "0")
		if o, code := runApp(append(args, "--quiet")...); code != 0 {
			t.Fatalf("shard %d: exit %d\n%s", i, code, o)
		}
	}
	args := strings.Fields(strings.TrimPrefix(lines[5], "ncgn "))
	if o, code := runApp(append(args, "--quiet")...); code != 0 || !slices.Contains(args, "--report") {
		t.Fatalf("report %v: exit %d\n%s", args, code, o)
	}
}
