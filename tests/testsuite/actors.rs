//! Threat actors (issue 15): entries with aliases and sourced attributions,
//! wiki links by any name, the alias table, actor pages, their citation
//! files, open data and search records — and the errors for shared names.

use serde_json::Value;

use crate::support::TestSite;

const BASE: &str = "https://example.org/";
const FIRM: &str = "articles/2015-10-19-firm-says-hacking-continues/index.html";

fn built() -> TestSite {
    let site = TestSite::new("actors");
    site.build_ok(&["--no-search", "--base-url", BASE]);
    site
}

/// `annals check` on the fixture after `edit`: its exit code and stderr.
fn check_after(edit: impl FnOnce(&TestSite)) -> (i32, String) {
    let site = TestSite::new("actors");
    edit(&site);
    let r = site.run(&["check"]);
    (r.code, r.stderr)
}

#[test]
fn wiki_links_by_any_alias_resolve_ignoring_case_spaces_and_hyphens() {
    let site = built();
    let page = site.read(FIRM);
    // [[MenuPass]], [[Stone Panda]], [[menu pass]], [[stone-panda]]: each
    // links to the actor, shown by the alias as the actor file spells it.
    for text in ["MenuPass", "Stone Panda"] {
        let link = format!(r#"<a href="/actors/apt10/">{text}</a>"#);
        assert_eq!(
            page.matches(&link).count(),
            2,
            "expected two links {link} (exact and loosely written) in {FIRM}"
        );
    }
}

#[test]
fn a_link_by_slug_shows_the_actors_name_and_a_sectioned_link_takes_an_alias() {
    let site = TestSite::new("actors");
    site.edit(
        "content/actors/apt1.md",
        "The group.",
        "The group; compare [[apt10]] and [[actors/red apollo]].",
    );
    site.build_ok(&["--no-search", "--base-url", BASE]);
    let page = site.read("actors/apt1/index.html");
    assert!(
        page.contains(r#"<a href="/actors/apt10/">APT10</a>"#),
        "{page}"
    );
    assert!(
        page.contains(r#"<a href="/actors/apt10/">Red Apollo</a>"#),
        "{page}"
    );
}

#[test]
fn an_alias_shared_by_two_actors_is_an_error_naming_both_files_with_positions() {
    let (code, err) = check_after(|s| {
        s.edit(
            "content/actors/apt1.md",
            "  - Comment Crew\n",
            "  - Comment Crew\n  - stone PANDA\n",
        )
    });
    assert_eq!(code, 1, "{err}");
    // The later file (apt10.md sorts after apt1.md) is where the error is;
    // the other file is named with its own line and column.
    assert!(
        err.contains(
            "content/actors/apt10.md:5:3: error: actor name `Stone Panda` is also a name of content/actors/apt1.md (at content/actors/apt1.md:5:3)"
        ),
        "{err}"
    );
    assert!(err.contains("an alias names one group only"), "{err}");
}

#[test]
fn an_alias_that_is_another_entrys_slug_is_an_error_naming_that_file() {
    let (code, err) = check_after(|s| {
        s.edit(
            "content/actors/apt1.md",
            "  - Comment Crew\n",
            "  - Comment Crew\n  - First Pact\n",
        )
    });
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "content/actors/apt1.md:5:3: error: actor name `First Pact` is also the slug of the agreement content/agreements/first-pact.md (first-pact)"
        ),
        "{err}"
    );
    assert!(
        err.contains("a wiki link [[First Pact]] could mean either"),
        "{err}"
    );
}

#[test]
fn unknown_actor_in_a_list_is_an_error_with_a_hint_naming_the_slug_for_an_alias() {
    let (code, err) = check_after(|s| {
        s.edit(
            "content/articles/2015-10-19-firm-says-hacking-continues.md",
            "actors: [apt10]",
            "actors: [menupass]",
        )
    });
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains(
            "content/articles/2015-10-19-firm-says-hacking-continues.md:11:10: error: unknown actor `menupass`"
        ),
        "{err}"
    );
    assert!(err.contains("`menupass` is a name of `apt10`"), "{err}");
}

#[test]
fn an_attribution_needs_a_known_party_and_a_source() {
    let (code, err) = check_after(|s| {
        s.edit("content/actors/apt1.md", "  - party: cn", "  - party: prc");
        s.edit(
            "content/actors/apt1.md",
            "    sources: [https://example.org/attribution/apt1]\n",
            "    sources: []\n",
        );
    });
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("content/actors/apt1.md:6:12: error: unknown party `prc`"),
        "{err}"
    );
    assert!(
        err.contains("content/actors/apt1.md:6:3: error: attribution has no sources"),
        "{err}"
    );
}

#[test]
fn actor_page_lists_aliases_attribution_reports_in_date_order_and_backlinks() {
    let site = built();
    let page = site.read("actors/apt10/index.html");
    for alias in ["MenuPass", "Stone Panda", "Red Apollo"] {
        assert!(
            page.contains(&format!(">{alias}</a>")),
            "alias {alias} missing"
        );
    }
    // Each alias links to its row of the alias table.
    assert!(page.contains(r#"href="/actors/#name-stone-panda""#));
    // The attribution, with its party and source, apart from the aliases.
    assert!(page.contains("Attributed to Ministry of State Security, <a href=\"/parties/cn/\">"));
    assert!(page.contains(r#"href="https://example.org/attribution/apt10""#));
    // Reports listing the actor, oldest first; the agreement listing it.
    let older = page
        .find("Five officers charged")
        .expect("2014 report listed");
    let newer = page
        .find("Firm says hacking continues")
        .expect("2015 report listed");
    assert!(older < newer, "reports should be oldest first");
    assert!(page.contains("/agreements/first-pact/"));
    // What links to it (the report's [[MenuPass]] links).
    let mentioned = page.find("Mentioned in").expect("backlinks section");
    assert!(page[mentioned..].contains("Firm says hacking continues"));
    // Report and agreement pages link back to the actor.
    file_contains!(
        site,
        "articles/2014-05-19-indictment/index.html",
        r#"<a href="/actors/apt1/">APT1</a>"#
    );
    file_contains!(
        site,
        "agreements/first-pact/index.html",
        r#"<a href="/actors/apt10/">APT10</a>"#
    );
}

#[test]
fn actor_pages_offer_citation_files_and_meta_tags() {
    let site = built();
    let page = site.read("actors/apt10/index.html");
    assert!(
        page.contains(r#"<meta name="citation_title" content="APT10">"#),
        "{page}"
    );
    assert!(page.contains("Cite this page"));
    let csl: Value = serde_json::from_str(&site.read("actors/apt10/cite.json")).unwrap();
    assert_eq!(csl[0]["URL"], format!("{BASE}actors/apt10/"));
    assert!(csl[0]["note"]
        .as_str()
        .unwrap()
        .contains("also known as MenuPass, Stone Panda, Red Apollo"));
    assert!(site
        .read("actors/apt10/cite.bib")
        .starts_with("@misc{annals-apt10,"));
    assert!(site.read("actors/apt10/cite.ris").contains("TI  - APT10"));
}

#[test]
fn the_alias_table_has_every_name_on_its_own_row_sorted_with_an_anchor() {
    let site = built();
    let page = site.read("actors/index.html");
    let names = [
        "APT1",
        "APT10",
        "Comment Crew",
        "MenuPass",
        "Red Apollo",
        "Stone Panda",
    ];
    let mut last = 0;
    for n in names {
        let anchor = format!("name-{}", n.to_lowercase().replace(' ', "-"));
        let row = format!(r##"<tr id="{anchor}">"##);
        let at = page.find(&row).unwrap_or_else(|| panic!("no row {row}"));
        assert!(at > last, "{n} is out of order");
        last = at;
        assert!(page[at..].contains(&format!(r##"<a href="#{anchor}">{n}</a>"##)));
    }
    assert_eq!(page.matches("<tr id=\"name-").count(), 6);
    // The nav links the table; the sitemap lists the actor pages.
    file_contains!(
        site,
        "sitemap.xml",
        &format!("<loc>{BASE}actors/apt10/</loc>")
    );
    file_contains!(site, "sitemap.xml", &format!("<loc>{BASE}actors/</loc>"));
}

#[test]
fn open_data_has_actors_with_aliases_and_attribution_valid_against_the_schema() {
    let site = built();
    let data: Value = serde_json::from_str(&site.read("data/archive.json")).unwrap();
    let schema: Value = serde_json::from_str(&site.read("data/archive.schema.json")).unwrap();
    let errs = crate::feeds_and_data::schema_errors(&schema, &data);
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    let apt10 = data["actors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == "apt10")
        .expect("apt10 in archive.json");
    assert_eq!(
        apt10["aliases"],
        serde_json::json!(["MenuPass", "Stone Panda", "Red Apollo"])
    );
    assert_eq!(apt10["attribution"][0]["party"], "cn");
    assert_eq!(apt10["attribution"][0]["date"], "2018-12-20");
    assert_eq!(apt10["agreements"], serde_json::json!(["first-pact"]));
    // An alias is not an attribution: the schema refuses one mixed in.
    let mut bad = data.clone();
    bad["actors"][0]["attribution"][0]["alias"] = "x".into();
    assert!(!crate::feeds_and_data::schema_errors(&schema, &bad).is_empty());

    let csv = site.read("data/actors.csv");
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines[0], "name,actor,actor_name,is_alias,attributed_to,url");
    assert!(lines.contains(&"Stone Panda,apt10,APT10,true,cn,https://example.org/actors/apt10/"));
    assert!(lines.contains(&"APT10,apt10,APT10,false,cn,https://example.org/actors/apt10/"));
    assert_eq!(lines.len(), 1 + 4 + 2);
    file_contains!(site, "data/index.html", "actors.csv");
}

#[test]
fn an_alias_that_looks_like_a_formula_is_neutralised_in_the_csv() {
    let site = TestSite::new("actors");
    site.edit(
        "content/actors/apt1.md",
        "  - Comment Crew\n",
        "  - Comment Crew\n  - \"=HYPERLINK(1)\"\n",
    );
    site.build_ok(&["--no-search", "--base-url", BASE]);
    file_contains!(site, "data/actors.csv", "\"'=HYPERLINK(1)\",apt1,APT1,true");
}

#[test]
fn search_records_find_an_actor_by_any_alias() {
    let site = TestSite::new("actors");
    let config = annals::config::SiteConfig::load(site.root()).expect("site.yaml");
    let (content, _) = annals::content::load(site.root(), false, annals::markdown::Html::Now);
    let (archive, diags) = annals::resolve::resolve(config, content);
    assert!(diags
        .iter()
        .all(|d| d.severity != annals::diagnostics::Severity::Error));
    let records = annals::search::records(&archive);
    let actor = records
        .iter()
        .find(|r| r.url == "/actors/apt10/")
        .expect("a search record for the actor");
    assert_eq!(actor.title, "APT10");
    assert_eq!(actor.filters["kind"], vec!["Threat actor".to_string()]);
    for alias in ["MenuPass", "Stone Panda", "Red Apollo"] {
        assert!(actor.body.contains(alias), "alias {alias} not indexed");
    }
    // Weighted like a title, so a search for an alias ranks the actor first.
    assert!(actor
        .body
        .starts_with("<p data-pagefind-weight=\"7\">Also known as MenuPass"));
}
