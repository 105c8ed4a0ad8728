"""The issue's reference point for ugoki's pose pipeline: a straightforward Python pipeline.

OpenCV decodes, onnxruntime runs MoveNet Lightning, and MoveNet's own crop tracking (the
scheme of TensorFlow's MoveNet tutorial: a square around the previous keypoints, the whole frame
padded to a square when the torso is lost) chooses each crop, all on one thread of control.
Prints one JSON line: the clip, frames, seconds and frames per second end to end.

Usage: python_reference.py MODEL.onnx VIDEO [VIDEO ...]
"""

import json
import sys
import time

import cv2
import numpy as np
import onnxruntime as ort

INPUT_SIDE = 192
MIN_CROP_SCORE = 0.2
TORSO = (5, 6, 11, 12)


def full_frame_crop(width, height):
    side = max(width, height)
    return ((width - side) / 2, (height - side) / 2, side)


def next_crop(points, width, height):
    """Square crop (x0, y0, side) in frame pixels around the keypoints, MoveNet style."""
    if not all(points[j, 2] >= MIN_CROP_SCORE for j in (11, 12)) or not any(
        points[j, 2] >= MIN_CROP_SCORE for j in (5, 6)
    ):
        return full_frame_crop(width, height)
    cx = (points[11, 0] + points[12, 0]) / 2
    cy = (points[11, 1] + points[12, 1]) / 2
    torso = points[list(TORSO)]
    torso = torso[torso[:, 2] >= MIN_CROP_SCORE]
    body = points[points[:, 2] >= MIN_CROP_SCORE]
    half = max(
        np.abs(torso[:, 0] - cx).max() * 1.9,
        np.abs(torso[:, 1] - cy).max() * 1.9,
        np.abs(body[:, 0] - cx).max() * 1.2,
        np.abs(body[:, 1] - cy).max() * 1.2,
    )
    half = min(half, max(cx, width - cx, cy, height - cy))
    if half > max(width, height) / 2:
        return full_frame_crop(width, height)
    return (cx - half, cy - half, 2 * half)


def crop_input(frame, crop):
    x0, y0, side = crop
    scale = INPUT_SIDE / side
    affine = np.array([[scale, 0, -x0 * scale], [0, scale, -y0 * scale]], dtype=np.float32)
    square = cv2.warpAffine(frame, affine, (INPUT_SIDE, INPUT_SIDE), flags=cv2.INTER_LINEAR)
    return cv2.cvtColor(square, cv2.COLOR_BGR2RGB)[None]


def track(session, path):
    capture = cv2.VideoCapture(path)
    if not capture.isOpened():
        raise SystemExit(f"cannot open {path}")
    input_name = session.get_inputs()[0].name
    frames = 0
    crop = None
    start = time.perf_counter()
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        height, width = frame.shape[:2]
        if crop is None:
            crop = full_frame_crop(width, height)
        out = session.run(None, {input_name: crop_input(frame, crop)})[0][0, 0]
        x0, y0, side = crop
        points = np.stack([x0 + out[:, 1] * side, y0 + out[:, 0] * side, out[:, 2]], axis=1)
        crop = next_crop(points, width, height)
        frames += 1
    seconds = time.perf_counter() - start
    return frames, seconds


def main():
    model, videos = sys.argv[1], sys.argv[2:]
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    for path in videos:
        frames, seconds = track(session, path)
        print(
            json.dumps(
                {
                    "clip": path,
                    "frames": frames,
                    "seconds": seconds,
                    "fps": frames / seconds,
                    "onnxruntime": ort.__version__,
                    "opencv": cv2.__version__,
                }
            )
        )


if __name__ == "__main__":
    main()
