package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ncgn/ncgn/layers"
	"github.com/ncgn/ncgn/models"
	"gorgonia.org/tensor"
)

func TestModelSummary_Totals(t *testing.T) {
	for _, tc := range []struct {
		args  []string
		total string
	}{
		{[]string{"--task", "modelnet40", "--conv", "gat"}, "225,731"},
		{[]string{"--task", "modelnet40", "--conv", "gcn", "--gnn", "knn"}, "225,347"},
		{[]string{"--task", "transcriptomics", "--conv", "gat", "--gnn", "full"}, "58,531"},
		{[]string{"--task", "transcriptomics", "--conv", "gcn"}, "58,339"},
	} {
		out, errOut, code := runCLI(append([]string{"model", "summary"}, tc.args...)...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", tc.args, code, errOut)
		}
		if !strings.Contains(out, "total parameters: "+tc.total+" (learnable)") {
			t.Errorf("%v: no total %s in\n%s", tc.args, tc.total, out)
		}
		for _, want := range []string{"lift_og.norm", "layer0.coarsen.lin_x", "w_dst", "gate", "(buffer)", "the authors' code reports"} {
			if !strings.Contains(out, want) {
				t.Errorf("%v: output lacks %q", tc.args, want)
			}
		}
	}
}

// TestModelSummary_JSON holds the JSON summary to the network it describes: every tensor's
// values are the product of its shape, the layers' sums make the total, and the total is the
// parameter count of the same network built directly (ncgn architecture, custom sizes).
func TestModelSummary_JSON(t *testing.T) {
	out, errOut, code := runCLI("model", "summary", "--arch", "ncgn", "--task", "transcriptomics", "--width", "16", "--layers", "2", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var s modelSummary
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	ps, _ := layers.NewParams(tensor.Float32, 1)
	if _, err := models.NewDMP(ps, models.DMPConfig{Arch: models.ArchNCGN, In: 5, Out: 3, PosDim: 2, Width: 16, Layers: 2, Conv: models.GAT}); err != nil {
		t.Fatal(err)
	}
	sum, tensors := 0, 0
	for _, l := range s.Layers {
		layerSum := 0
		for _, tn := range l.Tensors {
			tensors++
			n := 1
			for _, d := range tn.Shape {
				n *= d
			}
			if n != tn.Values {
				t.Errorf("%s.%s: shape %v but %d values", l.Name, tn.Name, tn.Shape, tn.Values)
			}
			if tn.Learnable {
				layerSum += tn.Values
			}
		}
		if layerSum != l.Params {
			t.Errorf("%s: tensors sum to %d, layer says %d", l.Name, layerSum, l.Params)
		}
		sum += layerSum
	}
	if s.Model.Arch != models.ArchNCGN || s.Model.Width != 16 || s.Model.Layers != 2 {
		t.Errorf("model %+v", s.Model)
	}
	if sum != s.Total || s.Total != ps.Count() || tensors != len(ps.All()) || s.Authors != 0 {
		t.Errorf("layers sum to %d, total %d, authors %d; the network has %d parameters in %d tensors, the summary %d", sum, s.Total, s.Authors, ps.Count(), len(ps.All()), tensors)
	}
}

func TestModelSummary_BadInput(t *testing.T) {
	for _, args := range [][]string{
		{"--task", "mnist"},
		{"--arch", "torch"},
		{"--conv", "sage"},
		{"--gnn", "star"},
		{"--width", "0"},
		{"--layers", "-2"},
	} {
		_, errOut, code := runCLI(append([]string{"model", "summary"}, args...)...)
		if code != 2 || !strings.Contains(errOut, "ncgn model summary") {
			t.Errorf("%v: exit %d, %q; want exit 2 with a message", args, code, errOut)
		}
	}
}
