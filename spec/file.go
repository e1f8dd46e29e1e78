package spec

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"reflect"

	"github.com/ncgn/ncgn/internal/atomicfile"
	"github.com/ncgn/ncgn/models"
)

// ConfigFile is the name of a run folder's spec.
const ConfigFile = "config.json"

// Save writes r, indented, to dir/config.json (atomically: temporary file, fsync, rename).
func (r Run) Save(dir string) error {
	path := filepath.Join(dir, ConfigFile)
	if err := atomicfile.Write(path, func(w io.Writer) error {
		e := json.NewEncoder(w)
		e.SetIndent("", "  ")
		return e.Encode(r)
	}); err != nil {
		return fmt.Errorf("spec: %w", err)
	}
	return nil
}

// Load reads and validates dir/config.json. Files written before this package existed have
// the same fields without "arch" and load as the DMP network; an unknown field is an error
// naming it, so that a misspelt setting is not silently ignored. A file without "model.arch"
// is the ncgn network (models.DMPConfig's zero value).
func Load(dir string) (Run, error) {
	path := filepath.Join(dir, ConfigFile)
	b, err := os.ReadFile(path)
	if err != nil {
		return Run{}, fmt.Errorf("spec: %w", err)
	}
	r, err := Decode(b)
	if err != nil {
		return Run{}, fmt.Errorf("spec: %s: %w", path, err)
	}
	return r, nil
}

// Decode parses and validates the JSON of a Run.
func Decode(b []byte) (Run, error) {
	var r Run
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&r); err != nil {
		return Run{}, fmt.Errorf("%w (%w)", err, ErrConfig)
	}
	if err := r.Validate(); err != nil {
		return Run{}, err
	}
	return r, nil
}

// SameNetwork reports, wrapping ErrConfig, the first of the network (architecture included;
// "" is the ncgn network), graph and sample shape in which r and old (a run folder's spec, on
// resume) differ; nil when they agree.
func (r Run) SameNetwork(old Run) error {
	for _, m := range []*models.DMPConfig{&r.Model, &old.Model} {
		if m.Arch == "" {
			m.Arch = models.ArchNCGN
		}
	}
	for _, f := range []struct {
		name     string
		now, was any
	}{
		{"model", r.Model, old.Model},
		{"graph", r.Graph, old.Graph},
		{"shape", r.Shape, old.Shape},
	} {
		if !reflect.DeepEqual(f.now, f.was) {
			return fmt.Errorf("spec: %q differs: %+v in the run folder, %+v now: %w", f.name, f.was, f.now, ErrConfig)
		}
	}
	return nil
}
