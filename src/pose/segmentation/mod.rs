//! MediaPipe Selfie Segmentation: person probability mask for a crop.
