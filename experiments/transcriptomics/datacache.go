package transcriptomics

import (
	"encoding/gob"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ncgn/ncgn/experiments"
	"github.com/ncgn/ncgn/internal/atomicfile"
)

// dataFile is the file in the cache that keeps the simulated data of the last run (git-ignored),
// so that a resumed or partial run does not simulate them again.
const dataFile = "data/simulated.gob"

// storedDataFile is the content of dataFile: the data and the key they were made under.
type storedDataFile struct {
	Key  string
	Data *Data
}

// dataKey returns the key of the simulated data: the code that simulates them, the sizes and
// the data seeds.
func (r *runner) dataKey() (string, error) {
	p := r.p
	return experiments.Key(struct {
		Code                                string
		Train, Test, Knockout, Floor        int
		TrainS, TestS, KnockoutS, FloorSeed int64
	}{r.code.Fingerprint, p.TrainSamples, p.TestSamples, p.KnockoutSamples, p.FloorSamples,
		r.seeds.Train, r.seeds.Test, r.seeds.Knockout, r.seeds.Floor})
}

// storedData returns the data kept by an earlier run under the same key, if any.
func (r *runner) storedData() (*Data, bool) {
	key, err := r.dataKey()
	if err != nil {
		return nil, false
	}
	f, err := os.Open(filepath.Join(r.cache.Dir, dataFile))
	if err != nil {
		return nil, false
	}
	defer f.Close()
	var s storedDataFile
	if err := gob.NewDecoder(f).Decode(&s); err != nil || s.Key != key || s.Data == nil || s.Data.Norm == nil || s.Data.RefNorm == nil {
		return nil, false
	}
	return s.Data, true
}

// storeData keeps d for later runs, atomically.
func (r *runner) storeData(d *Data) error {
	key, err := r.dataKey()
	if err != nil {
		return err
	}
	p := filepath.Join(r.cache.Dir, dataFile)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return fmt.Errorf("transcriptomics: %w", err)
	}
	return atomicfile.Write(p, func(w io.Writer) error { return gob.NewEncoder(w).Encode(storedDataFile{Key: key, Data: d}) })
}
