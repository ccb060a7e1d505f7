//! Which generator family a pickled `Generator` belongs to (reference-stylegan.md §3.3): by
//! structure first (`synthesis.input` of class `SynthesisInput` → StyleGAN3; `b4, b8, …`
//! `SynthesisBlock` children → StyleGAN2), then by the docstring of the embedded `module_src`.

use super::module_tree::ModuleNode;

/// The two generator families stylescope runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Family {
    StyleGan2,
    StyleGan3,
}

const SG3_DOC: &str = "Alias-Free Generative Adversarial Networks";
const SG2_DOC: &str = "Analyzing and Improving the Image Quality of StyleGAN";

fn is_block_name(name: &str) -> bool {
    name.strip_prefix('b').is_some_and(|r| !r.is_empty() && r.bytes().all(|c| c.is_ascii_digit()))
}

/// The family of generator `g`, or `None` when it is neither.
pub fn detect(g: &ModuleNode) -> Option<Family> {
    let synthesis = g.child("synthesis")?;
    if synthesis.child("input").is_some_and(|i| i.class_name == "SynthesisInput") {
        return Some(Family::StyleGan3);
    }
    let has_blocks = synthesis.children.iter().any(|(n, c)| is_block_name(n) && c.class_name == "SynthesisBlock");
    if has_blocks {
        return Some(Family::StyleGan2);
    }
    for src in [&synthesis.source_head, &g.source_head] {
        if src.contains(SG3_DOC) {
            return Some(Family::StyleGan3);
        }
        if src.contains(SG2_DOC) {
            return Some(Family::StyleGan2);
        }
    }
    None
}

/// A description of an unrecognised generator for the error message.
pub fn describe(g: &ModuleNode) -> String {
    let children: Vec<String> = g.children.iter().map(|(n, c)| format!("{n}: {}", c.class_name)).collect();
    let mut text = format!("a `{}` with children [{}]", g.class_name, children.join(", "));
    if let Some(s) = g.child("synthesis") {
        let names: Vec<&str> = s.children.iter().take(6).map(|(n, _)| n.as_str()).collect();
        text.push_str(&format!("; its synthesis network has children [{}]", names.join(", ")));
    }
    text
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn generator(synthesis: ModuleNode) -> ModuleNode {
        let mut g = ModuleNode::new("Generator");
        g.push_child("mapping", ModuleNode::new("MappingNetwork"));
        g.push_child("synthesis", synthesis);
        g
    }

    #[test]
    fn by_structure() {
        let mut s3 = ModuleNode::new("SynthesisNetwork");
        s3.push_child("input", ModuleNode::new("SynthesisInput"));
        assert_eq!(detect(&generator(s3)), Some(Family::StyleGan3));
        let mut s2 = ModuleNode::new("SynthesisNetwork");
        s2.push_child("b4", ModuleNode::new("SynthesisBlock"));
        assert_eq!(detect(&generator(s2)), Some(Family::StyleGan2));
    }

    #[test]
    fn by_source_docstring_then_unknown() {
        let mut s = ModuleNode::new("SynthesisNetwork");
        s.source_head = format!("\"\"\"Network architectures from the paper\n\"{SG3_DOC}\".\"\"\"");
        assert_eq!(detect(&generator(s)), Some(Family::StyleGan3));
        let mut g = generator(ModuleNode::new("SynthesisNetwork"));
        g.source_head = SG2_DOC.to_string();
        assert_eq!(detect(&g), Some(Family::StyleGan2));
        let tri = generator(ModuleNode::new("TriPlaneSynthesis"));
        assert_eq!(detect(&tri), None);
        assert!(describe(&tri).contains("synthesis: TriPlaneSynthesis"), "{}", describe(&tri));
        assert_eq!(detect(&ModuleNode::new("Generator")), None, "no synthesis child");
    }
}
