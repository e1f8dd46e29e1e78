package datasets

import (
	"fmt"
	"path/filepath"
	"time"
)

// CloudsMeta is the record written beside a prepared clouds file (FILE.json beside FILE.npy).
type CloudsMeta struct {
	Dataset string `json:"dataset"`
	File    string `json:"file"`
	Shape   []int  `json:"shape"`
	Dtype   string `json:"dtype"`
	// From is the root folder (ModelNet40) or the archive (GeometricShapes).
	From   string `json:"from"`
	Layout string `json:"layout,omitempty"`
	// PointSource says what the points are: vertices, surface or stored (.npy folders).
	PointSource   string   `json:"point_source"`
	Normalisation string   `json:"normalisation"`
	Config        any      `json:"config"`
	Counts        any      `json:"counts"`
	Classes       []string `json:"classes"`
	Labels        []string `json:"labels"`
	// Files are relative to From (ModelNet40) or archive entries (GeometricShapes).
	Files       []string `json:"files"`
	SHA256      string   `json:"sha256,omitempty"`
	WallSeconds float64  `json:"wall_seconds"`
	Version     string   `json:"version"`
	Commit      string   `json:"commit"`
	Created     string   `json:"created"`
}

// NormalisationNote describes a cloud normalisation for the record: none when raw, else
// centring and scaling to the largest |coordinate| scale.
func NormalisationNote(raw bool, scale float64) string {
	if raw {
		return "none (file coordinates)"
	}
	return fmt.Sprintf("per cloud: centred at its mean, largest |coordinate| = %v", scale)
}

// WriteClouds writes arr to out as float32 .npy (atomically) and meta, with the file name,
// shape, dtype and creation time filled in, as JSON to metaPath.
func WriteClouds(out, metaPath string, arr *Array, meta *CloudsMeta) error {
	if err := WriteNpy(out, arr, "float32"); err != nil {
		return err
	}
	meta.File, meta.Shape, meta.Dtype = filepath.Base(out), arr.Shape, "float32"
	meta.Created = time.Now().UTC().Format(time.RFC3339)
	return WriteJSON(metaPath, meta)
}
