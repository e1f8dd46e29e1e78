package main

import (
	"os/exec"
	"strings"
	"testing"
)

// TestArchitecture_DependencyDirection checks docs/architecture.md's arrows: no package (or
// sub-package) directly imports one above it, and generative does not import graphs.
func TestArchitecture_DependencyDirection(t *testing.T) {
	const mod = "github.com/ncgn/ncgn/"
	forbidden := map[string][]string{
		"schedules":          {"graphs", "layers", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"graphs":             {"layers", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"internal/gemm":      {"engine", "ops", "layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"internal/parallel":  {"engine", "ops", "layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"internal/gradcheck": {"ops", "layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		// internal helpers sit below everything, except the plots, which draw schedules and graphs
		"internal/atomicfile": {"schedules", "engine", "ops", "layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"internal/runlock":    {"schedules", "engine", "ops", "layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"internal/rng":        {"schedules", "engine", "ops", "layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"internal/lap":        {"schedules", "engine", "ops", "layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"internal/sgemm":      {"schedules", "engine", "ops", "layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"internal/plot":       {"engine", "ops", "layers", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"engine":              {"ops", "layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"ops":                 {"layers", "graphs", "models", "generative", "spec", "metrics", "datasets", "experiments"},
		"layers":              {"models", "generative", "spec", "metrics", "datasets", "experiments"},
		"models":              {"generative", "spec", "metrics", "datasets", "experiments"},
		"generative":          {"graphs", "models", "spec", "metrics", "datasets", "experiments"},
		"spec":                {"metrics", "datasets", "experiments"},
		"metrics":             {"layers", "models", "generative", "spec", "experiments"},
		"datasets":            {"layers", "models", "generative", "spec", "experiments"},
	}
	for pkg, bad := range forbidden {
		out, err := exec.Command("go", "list", "-f", "{{join .Imports \"\\n\"}}", "./"+pkg+"/...").Output()
		if err != nil {
			t.Fatalf("go list ./%s/...: %v", pkg, err)
		}
		deps := strings.Fields(string(out))
		for _, d := range deps {
			for _, b := range bad {
				if d == mod+b || strings.HasPrefix(d, mod+b+"/") {
					t.Errorf("%s imports %s, which is above it", pkg, d)
				}
			}
		}
	}
}
