//! Checking that a loaded session has the tensors the manifest promises, so that a wrong file
//! under a right name is caught before any pixels are fed to it.

use super::{ModelSpec, TensorSpec};
use crate::error::{Error, Result};
use ort::session::Session;
use ort::value::{Outlet, TensorElementType};

/// Compares the session's inputs and outputs (names, element types, shapes) with the manifest.
pub(super) fn check_tensors(spec: &ModelSpec, session: &Session) -> Result<()> {
    let mut problems = Vec::new();
    compare("input", &spec.inputs, session.inputs(), &mut problems);
    compare("output", &spec.outputs, session.outputs(), &mut problems);
    if problems.is_empty() {
        Ok(())
    } else {
        Err(Error::Model {
            name: spec.name.clone(),
            reason: format!(
                "the file's tensors differ from the manifest: {}",
                problems.join("; ")
            ),
        })
    }
}

fn compare(kind: &str, expected: &[TensorSpec], actual: &[Outlet], problems: &mut Vec<String>) {
    for want in expected {
        let Some(outlet) = actual.iter().find(|o| o.name() == want.name) else {
            problems.push(format!("no {kind} {}", want.name));
            continue;
        };
        let dtype = outlet.dtype();
        let got_type = dtype
            .tensor_type()
            .map_or_else(|| dtype.to_string(), onnx_type_name);
        if got_type != want.dtype {
            problems.push(format!(
                "{kind} {} is {got_type}, expected {}",
                want.name, want.dtype
            ));
        }
        match dtype.tensor_shape() {
            Some(shape) if **shape == *want.shape => {}
            Some(shape) => problems.push(format!(
                "{kind} {} has shape {shape:?}, expected {:?}",
                want.name, want.shape
            )),
            None => problems.push(format!("{kind} {} is not a tensor", want.name)),
        }
    }
    for extra in actual
        .iter()
        .filter(|o| expected.iter().all(|t| t.name != o.name()))
    {
        problems.push(format!("unexpected {kind} {}", extra.name()));
    }
}

/// ONNX's own element type names, as the manifest (and Netron, and onnx.helper) write them.
fn onnx_type_name(ty: TensorElementType) -> String {
    match ty {
        TensorElementType::Float32 => "float32".into(),
        TensorElementType::Float16 => "float16".into(),
        TensorElementType::Float64 => "float64".into(),
        TensorElementType::Uint8 => "uint8".into(),
        TensorElementType::Int8 => "int8".into(),
        TensorElementType::Int32 => "int32".into(),
        TensorElementType::Int64 => "int64".into(),
        TensorElementType::Bool => "bool".into(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::spec;
    use std::path::Path;

    fn open(name: &str) -> Session {
        let file = &spec(name).unwrap().file;
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/models")
            .join(file);
        assert!(
            path.is_file(),
            "{} is required for this test (the real model file)",
            path.display()
        );
        crate::runtime::open_session(&path, 1).unwrap()
    }

    #[test]
    fn a_real_model_matches_its_own_entry() {
        let session = open("selfie_segmentation");
        check_tensors(spec("selfie_segmentation").unwrap(), &session).unwrap();
    }

    #[test]
    fn a_real_model_under_another_name_is_reported_tensor_by_tensor() {
        // Same input name and shape as the landmark model, different outputs.
        let session = open("selfie_segmentation");
        let e = check_tensors(spec("blazepose_landmark_lite").unwrap(), &session)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("model blazepose_landmark_lite: the file's tensors differ"),
            "{e}"
        );
        assert!(
            e.contains("no output Identity;") && e.contains("unexpected output activation_10"),
            "{e}"
        );
        assert!(
            !e.contains("input_1"),
            "the inputs agree, so they must not be reported: {e}"
        );

        let e = check_tensors(spec("movenet_lightning").unwrap(), &session)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no input serving_default_input:0")
                && e.contains("unexpected input input_1"),
            "{e}"
        );
    }
}
