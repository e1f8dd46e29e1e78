package schedules

import (
	"bytes"
	"strings"
	"testing"
)

func TestRows_Exp(t *testing.T) {
	s, err := New(Config{Kind: Exp, Nodes: 400, K: 7})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Rows(s, 5)
	if err != nil {
		t.Fatal(err)
	}
	// s_0 = ceil(sqrt(7·400)) = 53, s_1 = N, k_t = ceil(kN / s_t).
	want := []Row{{0, 53, 53, 2809}, {0.25, 54, 53, 2862}, {0.5, 56, 51, 2856}, {0.75, 82, 35, 2870}, {1, 400, 7, 2800}}
	for i, r := range rows {
		if r != want[i] {
			t.Errorf("row %d: %+v, want %+v", i, r, want[i])
		}
	}
	var csv bytes.Buffer
	if err := WriteCSV(&csv, rows); err != nil {
		t.Fatal(err)
	}
	if got := csv.String(); got != "t,supernodes,neighbours\n0,53,53\n0.25,54,53\n0.5,56,51\n0.75,82,35\n1,400,7\n" {
		t.Errorf("csv:\n%s", got)
	}
	var tab bytes.Buffer
	if err := WriteTable(&tab, s.Config(), rows); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(tab.String(), "exp schedule: N = 400, k = 7, curvature 10; s_0 = ceil(sqrt(kN)) = 53") {
		t.Errorf("table header:\n%s", tab.String())
	}
	if _, err := Rows(s, 1); err == nil {
		t.Error("one row accepted")
	}
}
