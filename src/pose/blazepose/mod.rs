//! MediaPipe BlazePose: person detector plus the lite landmark model (33 landmarks, heels and toes).
