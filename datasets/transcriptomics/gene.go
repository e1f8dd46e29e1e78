package transcriptomics

import "fmt"

// Gene indexes the three simulated genes; features are stored in this order.
type Gene int

// The genes, in the order of the feature axis (the reference's order).
const (
	Sox9 Gene = 0
	Bmp  Gene = 1
	Wnt  Gene = 2

	// NumGenes is the number of genes (the feature dimension).
	NumGenes = 3

	// NoKnockout marks a simulation in which no gene is knocked out.
	NoKnockout Gene = -1
)

// String returns the gene's name ("sox9", "bmp", "wnt"), or "none" for NoKnockout.
func (g Gene) String() string {
	switch g {
	case Sox9:
		return "sox9"
	case Bmp:
		return "bmp"
	case Wnt:
		return "wnt"
	case NoKnockout:
		return "none"
	}
	return fmt.Sprintf("Gene(%d)", int(g))
}

// valid reports whether g is one of the three genes.
func (g Gene) valid() bool { return g >= 0 && g < NumGenes }
