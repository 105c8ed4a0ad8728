use ugoki::pose::movenet::MoveNet;
use ugoki::track::candidates::CandidateTracker;
use ugoki::track::candidates::SearchArea;
use ugoki::track::motion::MotionDetector;
fn main() {
    let path = std::env::args().nth(1).unwrap();
    let mut src = ugoki::source::open(&path).unwrap();
    let info = src.info().clone();
    let mut est = MoveNet::load(&ugoki::models::resolve("movenet_lightning").unwrap(), 2).unwrap();
    let mut tr = CandidateTracker::new(info.width, info.height, SearchArea::default());
    let mut md = MotionDetector::new();
    while let Some(f) = src.next_frame().unwrap() {
        let m = md.update(&f.image).unwrap();
        if f.index % 10 == 0 {
            println!(
                "f{} motion {:?}",
                f.index,
                m.iter()
                    .map(|b| (
                        b.x0 as i32,
                        b.y0 as i32,
                        b.width() as i32,
                        b.height() as i32
                    ))
                    .collect::<Vec<_>>()
            );
        }
        tr.step(f.index, &f.image, &m, &mut est).unwrap();
    }
    println!("inferences {}", tr.inferences);
    for c in tr.into_candidates() {
        let b0 = c.observations[0].1.bbox(0.3).unwrap();
        let b1 = c.observations.last().unwrap().1.bbox(0.3).unwrap();
        println!(
            "cand {} frames {}..{} n={} first {:?} last {:?}",
            c.id,
            c.first_frame(),
            c.last_frame(),
            c.observations.len(),
            (
                b0.x0 as i32,
                b0.y0 as i32,
                b0.width() as i32,
                b0.height() as i32
            ),
            (
                b1.x0 as i32,
                b1.y0 as i32,
                b1.width() as i32,
                b1.height() as i32
            )
        );
    }
}
