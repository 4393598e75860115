// Package taste learns what one channel reads and ranks papers by it.
//
// It lives apart from the engine so that the model is one room: the text
// features (Vocabulary: tf-idf over word 1–2-grams of titles and abstracts,
// sublinear tf, document-frequency cut-offs), the classifier (a
// class-balanced linear SVM trained by dual coordinate descent, as
// liblinear does), the interest sentence as a prior (cosine, and
// pseudo-relevance feedback from the sentence's nearest papers), and the
// one-line reason a paper was placed where it was.
//
// A channel's model is a Model: the tf-idf one here (Linear), and later
// others (similarity in embedding space) that Blend adds up. Every Model's
// scores are standardised over the corpus it was trained on, so models of
// different kinds add without one drowning the other.
//
// Vocabulary and Linear encode to bytes (MarshalBinary) so that the
// caller can keep them in its store and a new process reuses them instead
// of rebuilding them from every stored paper.
//
// The package imports the standard library only; it knows nothing of
// papers' sources, chats or stores. Text comes in cleaned (no TeX).
package taste
