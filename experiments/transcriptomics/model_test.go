package transcriptomics

import (
	"testing"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/graphs"
	"github.com/ncgn/ncgn/models"
)

// TestModelSpec_Arch: the experiment's networks are the reference architecture by default (the
// authors' parameter count less their unused Linear), and the architecture is part of the
// network's cache name and key.
func TestModelSpec_Arch(t *testing.T) {
	p := Presets()[experiments.Small]
	spec := Table3Model(p, DeriveSeeds(1), graphs.DMP, models.GAT)
	if spec.Arch != models.ArchReference || Figure11Model(p, DeriveSeeds(1), graphs.KNN, 4).Arch != models.ArchReference {
		t.Fatalf("Table 3 / Figure 11 networks use arch %q, want reference", spec.Arch)
	}
	net, err := spec.Net()
	if err != nil {
		t.Fatal(err)
	}
	if got := net.Params().Count(); net.Config().Arch != models.ArchReference || got != 58531 {
		t.Fatalf("network %s with %d parameters, want reference with 58,531", net.Config().Arch, got)
	}
	unset := spec
	unset.Arch = ""
	ncgn := spec
	ncgn.Arch = models.ArchNCGN
	k, _ := spec.Key()
	ku, _ := unset.Key()
	kn, err := ncgn.Key()
	if err != nil {
		t.Fatal(err)
	}
	if k != ku || k == kn {
		t.Errorf("keys: reference %s, unset %s, ncgn %s; want the first two equal, the third different", k, ku, kn)
	}
	if spec.Name() != unset.Name() || spec.Name() == ncgn.Name() {
		t.Errorf("names: reference %s, unset %s, ncgn %s", spec.Name(), unset.Name(), ncgn.Name())
	}
	n, err := ncgn.Net()
	if err != nil || n.Config().Arch != models.ArchNCGN {
		t.Fatalf("ncgn spec: %v, %v", err, n)
	}
}
