// Package spec is the composition root of a generative run: one Run value says everything
// that determines a trained network (the network architecture and its sizes, the graph kind,
// k and schedule, the message-passing layer, the generative process and its training
// configuration, the sample shape, the fixed positions of feature generation, the seeds), and
// Build turns it into the network and the denoiser over it.
//
// The train and sample commands and the transcriptomics experiment build their models here
// and nowhere else. A Run's JSON is a run folder's config.json (Save, Load); the files written
// before this package existed have the same fields and load unchanged (without "model.arch":
// the ncgn network).
//
// spec sits above models, graphs and generative in the dependency order (docs/architecture.md)
// and below experiments and the command line.
package spec
