package layers

import (
	"errors"
	"fmt"
	"testing"

	"gorgonia.org/gorgonia"
)

// TestCheckHashes builds a graph with two distinct nodes whose 32-bit hashes collide (found by
// adding nodes until the birthday bound is met) and requires checkHashes to refuse it; the
// graph without the second node passes.
func TestCheckHashes(t *testing.T) {
	g := gorgonia.NewGraph()
	seen := map[uint32]string{}
	var first, second string
	for i := 0; i < 1_000_000 && second == ""; i++ {
		name := fmt.Sprint("x", i)
		h := gorgonia.NewScalar(g, gorgonia.Float32, gorgonia.WithName(name)).Hashcode()
		if prior, ok := seen[h]; ok {
			first, second = prior, name
		}
		seen[h] = name
	}
	if second == "" {
		t.Fatal("no collision among a million nodes")
	}
	err := checkHashes(g)
	if !errors.Is(err, ErrMachine) {
		t.Fatalf("graph with %s and %s (same hash): error %v, want ErrMachine", first, second, err)
	}
	clean := gorgonia.NewGraph()
	gorgonia.NewScalar(clean, gorgonia.Float32, gorgonia.WithName(first))
	gorgonia.NewScalar(clean, gorgonia.Float32, gorgonia.WithName("y"))
	if err := checkHashes(clean); err != nil {
		t.Fatalf("graph without a collision: %v", err)
	}
}
