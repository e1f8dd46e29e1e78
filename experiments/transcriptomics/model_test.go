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
	k, _ := ms.Key("code")
	ku, _ := unset.Key("code")
	kn, err := ncgn.Key("code")
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

// TestModelSpec_KeyFollowsCode: a network's cache key changes with the fingerprint of the code
// that trains it (so a changed layer retrains it) and with its training seed, whose network
// also gets its own name; the first seed keeps the plain name.
func TestModelSpec_KeyFollowsCode(t *testing.T) {
	p := Presets()[experiments.Small]
	first := Table3Model(p, DeriveSeeds(1), graphs.DMP, models.GCN)
	second := Table3Model(p, DeriveSeeds(1).ForReplicate(1), graphs.DMP, models.GCN)
	k1, _ := first.Key("aaa")
	k1again, _ := first.Key("aaa")
	k1other, _ := first.Key("bbb")
	k2, err := second.Key("aaa")
	if err != nil {
		t.Fatal(err)
	}
	if k1 != k1again || k1 == k1other || k1 == k2 {
		t.Errorf("keys: %s, again %s, other code %s, second seed %s", k1, k1again, k1other, k2)
	}
	if first.Name() != "models/dmp-gcn-L3-S2000" || second.Name() != "models/dmp-gcn-L3-S2000-seed2" {
		t.Errorf("names %s and %s", first.Name(), second.Name())
	}
	if second.InitSeed == first.InitSeed || second.TrainSeed == first.TrainSeed || second.DataSeed != first.DataSeed {
		t.Errorf("second seed: init %d, training %d, data %d; first %d, %d, %d", second.InitSeed, second.TrainSeed, second.DataSeed, first.InitSeed, first.TrainSeed, first.DataSeed)
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
