//! `--shard I/N`: the I-th of N shares of the inputs, chosen by each video's output name (not
//! its position), so every shard of a Slurm job array or Kubernetes Indexed Job agrees on the
//! split whatever order its inputs were listed in.

use crate::error::{Error, Result};
use sha2::{Digest, Sha256};
use std::str::FromStr;

/// One share of N (`index` counts from 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || format!("'{s}' is not I/N with 0 <= I < N (e.g. --shard 0/4)");
        let (index, count) = s.split_once('/').ok_or_else(bad)?;
        let index: u64 = index.trim().parse().map_err(|_| bad())?;
        let count: u64 = count.trim().parse().map_err(|_| bad())?;
        if count == 0 || index >= count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether the video with this output name belongs to this shard.
    pub fn holds(&self, output_name: &str) -> bool {
        let digest = Sha256::digest(output_name.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_le_bytes(first) % self.count == self.index
    }
}

/// Reads `I/N` (the deploy/ examples fill it from the scheduler's environment).
pub fn parse(spec: &str) -> Result<Shard> {
    spec.parse().map_err(Error::Usage)
}

/// [`parse`] for clap's `value_parser`.
pub fn parse_arg(spec: &str) -> std::result::Result<Shard, String> {
    spec.parse()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_names() {
        let names: Vec<String> = (0..200).map(|i| format!("clip{i}-abc")).collect();
        for count in 1..6 {
            let mut owners = vec![0usize; names.len()];
            for index in 0..count {
                let shard = Shard { index, count };
                for (i, n) in names.iter().enumerate() {
                    owners[i] += usize::from(shard.holds(n));
                }
            }
            assert!(owners.iter().all(|&o| o == 1), "{count} shards");
        }
        assert!(parse("3/3").is_err());
        assert!(parse("1/0").is_err());
        assert!(parse("x").is_err());
        assert_eq!(parse("2/5").unwrap(), Shard { index: 2, count: 5 });
    }
}
