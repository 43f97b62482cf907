//! Unit tests of node map generation.

use super::*;
use serde_json::json;

#[test]
fn large_nodes_and_graphs_stay_duplicate_free() {
    // Past the scan limits the hashed indexes take over; duplicates must still vanish.
    let values: Vec<Value> = (0..200)
        .flat_map(|i| [json!({"@value": i}), json!({"@value": f64::from(i)})])
        .chain((0..100).map(|i| json!({"@id": format!("http://ex/{}", i % 50)})))
        .collect();
    let nodes: Vec<Value> = (0..100)
        .map(|i| json!({"@id": format!("http://ex/{}", i % 40), "@type": ["http://ex/T"]}))
        .collect();
    let document = json!([{"@id": "http://ex/s", "http://ex/p": values}, nodes]);
    let map = NodeMap::generate(&document).unwrap();
    let graph = &map.graphs[0];
    assert_eq!(graph.nodes.len(), 1 + 50);
    assert_eq!(graph.nodes[0].statements.len(), 200 + 50);
    assert_eq!(map.statement_count, 200 + 50 + 40);
    let typed = graph
        .nodes
        .iter()
        .filter(|node| !node.statements.is_empty())
        .count();
    assert_eq!(typed, 1 + 40);
}
