package transcriptomics

import (
	"testing"

	st "github.com/ncgn/ncgn/datasets/transcriptomics"
	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/generative"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
	"github.com/ncgn/ncgn/schedules"
	"github.com/ncgn/ncgn/spec"
)

// TestModelSpec_Arch: the experiment's networks are the reference architecture by default (the
// authors' parameter count less their unused Linear), and the architecture is part of the
// network's cache name and key.
func TestModelSpec_Arch(t *testing.T) {
	p := Presets()[experiments.Small]
	ms := Table3Model(p, DeriveSeeds(1), graphs.DMP, models.GAT)
	if ms.Arch != models.ArchReference || Figure11Model(p, DeriveSeeds(1), graphs.KNN, 4).Arch != models.ArchReference {
		t.Fatalf("Table 3 / Figure 11 networks use arch %q, want reference", ms.Arch)
	}
	net, err := ms.RunSpec(st.TrainGrid(), st.DefaultConfig()).Network()
	if err != nil {
		t.Fatal(err)
	}
	if got := net.Params().Count(); net.Config().Arch != models.ArchReference || got != 58531 {
		t.Fatalf("network %s with %d parameters, want reference with 58,531", net.Config().Arch, got)
	}
	unset := ms
	unset.Arch = ""
	ncgn := ms
	ncgn.Arch = models.ArchNCGN
	k, _ := ms.Key()
	ku, _ := unset.Key()
	kn, err := ncgn.Key()
	if err != nil {
		t.Fatal(err)
	}
	if k != ku || k == kn {
		t.Errorf("keys: reference %s, unset %s, ncgn %s; want the first two equal, the third different", k, ku, kn)
	}
	if ms.Name() != unset.Name() || ms.Name() == ncgn.Name() {
		t.Errorf("names: reference %s, unset %s, ncgn %s", ms.Name(), unset.Name(), ncgn.Name())
	}
	n, err := ncgn.RunSpec(st.TrainGrid(), st.DefaultConfig()).Network()
	if err != nil || n.Config().Arch != models.ArchNCGN {
		t.Fatalf("ncgn ms: %v, %v", err, n)
	}
}

// TestModelSpec_KeysUnchanged pins the cache keys of two networks to the values the code gave
// before the networks were built through package spec (computed at main 695449b, the reference
// architecture the default), so that cached networks and cells are
// reused, not retrained.
func TestModelSpec_KeysUnchanged(t *testing.T) {
	p := Presets()[experiments.Small]
	for _, tc := range []struct {
		m    ModelSpec
		name string
		key  string
	}{
		{Table3Model(p, DeriveSeeds(1), graphs.DMP, models.GCN), "models/dmp-gcn-L3-S2000", "9291cc6133e34cd3704003d069212c6c9539a70ec0cfcc78c3c7f6993984756e"},
		{Figure11Model(p, DeriveSeeds(2), graphs.KNN, 8), "models/knn-gcn-L8-S600", "6c60e10a6a83831cc4cc99bfc77185fa4945ca4a4bb18db3ae09f564666589e7"},
	} {
		k, err := tc.m.Key()
		if err != nil {
			t.Fatal(err)
		}
		if tc.m.Name() != tc.name || k != tc.key {
			t.Errorf("%s: key %s, want %s %s", tc.m.Name(), k, tc.name, tc.key)
		}
	}
}

// TestModelSpec_RunSpec checks the run spec of every Table 3 network on the training and test
// grids: feature generation of the three genes on the grid's 2-D positions with the spec's
// graph, conv, sizes, flow matching and seeds; it builds.
func TestModelSpec_RunSpec(t *testing.T) {
	p, seeds := Presets()[experiments.Small], DeriveSeeds(1)
	for _, meth := range Methods() {
		if meth.Random {
			continue
		}
		m := Table3Model(p, seeds, meth.Graph, meth.Conv)
		for _, g := range []st.Grid{st.TrainGrid(), st.TestGrid()} {
			rs := m.RunSpec(g, st.DefaultConfig())
			want := models.DMPConfig{Arch: models.ArchReference, In: 5, Out: 3, PosDim: 2, Width: m.Width, Layers: m.Layers, Conv: meth.Conv}
			switch {
			case rs.Task != spec.TaskFeatures:
				t.Errorf("%s on %s: task %q", m.Name(), g.Name, rs.Task)
			case rs.Model != want:
				t.Errorf("%s on %s: model %+v, want %+v", m.Name(), g.Name, rs.Model, want)
			case rs.Graph != (graphs.PlanConfig{Kind: meth.Graph, K: m.K, Schedule: schedules.Exp}):
				t.Errorf("%s on %s: graph %+v", m.Name(), g.Name, rs.Graph)
			case rs.Shape != (generative.Shape{Nodes: g.Nodes(), Dim: st.NumGenes}) || len(rs.Positions) != 2*g.Nodes():
				t.Errorf("%s on %s: shape %+v with %d position values", m.Name(), g.Name, rs.Shape, len(rs.Positions))
			case rs.Train.Process != generative.ProcessFlow || rs.Train.Seed != seeds.Training || rs.Seed != seeds.Init ||
				rs.Train.Steps != m.Steps || rs.Train.Epochs != m.Epochs || rs.Train.LR != m.LR || rs.Train.BatchSize != m.BatchSize:
				t.Errorf("%s on %s: training %+v, seed %d", m.Name(), g.Name, rs.Train, rs.Seed)
			}
			if _, err := rs.Build(); err != nil {
				t.Errorf("%s on %s: %v", m.Name(), g.Name, err)
			}
		}
	}
}
