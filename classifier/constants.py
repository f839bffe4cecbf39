"""Every threshold and limit of the classifier package, in one place."""

from __future__ import annotations

# --- bounded work (segmentation) -------------------------------------------------------------
#: Bytes (or characters for ``str`` input) of a page that are parsed; the rest is cut off.
MAX_INPUT_BYTES = 4_000_000
#: Elements visited per page; later elements are ignored.
MAX_NODES = 60_000
#: React streaming segments (``<div hidden id="S:n">``) moved to their placeholders per page;
#: real pages have dozens, a hostile one could have a million.
MAX_STREAMED_SEGMENTS = 1_000
#: Deepest element whose text is read; deeper subtrees are skipped (lxml itself stops at 256).
MAX_DEPTH = 200
#: Characters kept per block; a longer block is cut.
MAX_BLOCK_CHARS = 20_000
#: Blocks kept per page.
MAX_BLOCKS = 2_000
#: Entries of each of segmentation's per-process caches (tokens of class / id values and
#: words, tag names); a full cache starts afresh.
SEGMENT_CACHE_ENTRIES = 32_768
#: Ancestor chains whose consent-dialog verdict is cached per process (a chain holds a whole
#: path of tags and tokens: fewer entries than the token caches keep memory small).
CHAIN_CACHE_ENTRIES = 4_096
#: Longest class / id value (characters) whose tokens are cached.
SEGMENT_CACHED_VALUE_CHARS = 200
#: Bytes looked at for a ``<meta charset>`` declaration.
META_CHARSET_SCAN_BYTES = 8_192

# --- warning reasons (``Segmentation.warnings`` / ``Article.warnings``) ----------------------
WARN_EMPTY = "empty"
WARN_UNDECODABLE = "undecodable"
WARN_UNPARSABLE = "unparsable"
WARN_INPUT_CAP = "input-cap"
WARN_NODE_CAP = "node-cap"
WARN_DEPTH_CAP = "depth-cap"
WARN_TEXT_CAP = "text-cap"
WARN_BLOCK_CAP = "block-cap"
WARN_CROWDED_TAGS = "crowded-tags"
WARN_OPEN_TITLE = "open-title"
WARN_SELF_CLOSED_HTML = "self-closed-html"
WARN_NO_MODEL = "no-model"
WARN_MODEL_ERROR = "model-error"
WARN_INTERNAL = "internal-error"

# --- fixtures ---------------------------------------------------------------------------------
LABEL_ATTRIBUTE = "data-label"

# --- features ---------------------------------------------------------------------------------
#: Buckets of the hashing trick for class / id tokens of the block and of its ancestors.
TOKEN_HASH_BUCKETS = 128
#: Ancestors (nearest first) whose class / id tokens are hashed.
ANCESTOR_TOKEN_LEVELS = 6
#: Neighbouring blocks (each side) whose features are copied into a block's vector.
NEIGHBOUR_WINDOW = 2
#: Element serial numbers below ``DENSE_GROUPS_PER_ROW`` x rows + ``DENSE_GROUPS_MIN`` are
#: their own group numbers (``features.groups_of``): counting bins beats sorting up to there.
DENSE_GROUPS_PER_ROW = 32
DENSE_GROUPS_MIN = 4_096

# --- training ---------------------------------------------------------------------------------
#: Weight of a hand-labelled fixture page's blocks relative to a weak-labelled corpus page's.
FIXTURE_WEIGHT = 3.0
#: Boosting rounds ``scrapy train --fine-tune`` adds to the base model's last stage by default.
FINE_TUNE_ROUNDS = 20
#: Weight of an anchor block (one whose base prediction fine-tuning keeps) relative to a
#: labelled block of the same length.
ANCHOR_WEIGHT = 10.0
#: Models ``python -m classifier train`` averages by default (``--members``; the shipped model
#: is one). Three (``--members 3``) beat each of their members on dragnet, l3s-gn1 and fundus /
#: readability held out by site, but predict three times the trees: extraction about 1.4x
#: slower, under the speed target (docs/benchmarks.md, session 8).
DEFAULT_MEMBERS = 1
#: Pages of each permissive corpus in the shipped anchor set (``models/newscrawl-anchors.npz``).
ANCHOR_CORPUS_PAGES = 100

# --- model ------------------------------------------------------------------------------------
DEFAULT_MODEL_FILENAME = "newscrawl-blocks.skops"
MODEL_ENV_VAR = "NEWSCRAWL_MODEL"
#: Largest model file that ``load_model`` reads.
MAX_MODEL_BYTES = 50_000_000

# --- assembly ---------------------------------------------------------------------------------
#: Block paths whose ancestor paths are kept per process (the main region is found again after
#: each assembly step that changed the content set, mostly from the same content blocks).
ANCESTOR_PATH_CACHE_ENTRIES = 8_192
#: Region tuples whose path prefixes are kept per process (a page asks about a few, often).
REGION_CACHE_ENTRIES = 256
#: Probability of ``content`` from which a block goes into the body (below it the block takes
#: its most likely other label). Chosen on dragnet / l3s-gn1, never on scrapinghub.
CONTENT_THRESHOLD = 0.65
#: Share of the content text that the article's main region (the deepest element holding at
#: least this much) must hold.
MAIN_REGION_SHARE = 0.5
#: Characters of content outside the sidebar (``<aside>``, class "sidebar") from which the
#: sidebar's content no longer counts towards the main region.
REGION_MIN_CHARS = 100
#: Probability of ``content`` from which a block outside the main region stays in the body.
OUTSIDE_REGION_SCORE = 0.98
#: Characters of other text between the main region and a content block outside it up to
#: which the block still runs on from the article.
REGION_GAP_CHARS = 0
#: Shortest content block outside the main region that can run on from it (shorter ones are
#: captions, datelines, stray links).
REGION_RUN_MIN_CHARS = 200
#: Shortest content block that the main region's widening to its parent marked up as the
#: article's text ("entry-content", "post-body") keeps in the body on that ground alone
#: (shorter lines there are a tool's label or a module's heading).
WIDENED_REGION_MIN_CHARS = 20
#: A container twin to the main region (same tag path, indices aside) continues the article's
#: body when it lies at most this many elements above the region (never above its
#: ``<article>``) ...
SPLIT_BODY_LEVELS = 2
#: ... and follows the body after at most this many characters of other text (ad slots, an
#: offer between the two halves).
SPLIT_BODY_GAP_CHARS = 1000
#: ... and holds no <h1> (the next story of an endless page starts with one), unless the main
#: region holds at least SECTION_H1_MIN of them: then the site heads its sections with <h1>.
SECTION_H1_MIN = 2
#: A slideshow embedded in the story (its slides numbered "3/50 ..." or "3 of 12") has at
#: least SLIDESHOW_MIN_SLIDES numbered slides of one count; its slides are navigation when
#: the rest of the content holds at least SLIDESHOW_MIN_ARTICLE_CHARS (a gallery page whose
#: slides are its text keeps them).
SLIDESHOW_MIN_SLIDES = 3
SLIDESHOW_MIN_ARTICLE_CHARS = 1000
#: A list of at least LIST_MAJORITY_MIN_ITEMS items of which at most this share are content
#: is not content: those items take the label most of the others have (a paywall's list of
#: benefits, a teaser list; chosen on fundus / readability held out by site).
LIST_MAJORITY_MIN_ITEMS = 3
LIST_MAJORITY_MAX_CONTENT_SHARE = 1 / 3
#: Longest heading (in words) between two content paragraphs of the main region that is a
#: sub-head of the article, whatever its probability (chosen on fundus / readability held out
#: by site: +0.0005 pooled F1 on each of three seeds; dragnet and l3s-gn1 unchanged).
SUBHEAD_MAX_WORDS = 20
#: ... and may be mostly a link when both its neighbours are paragraphs of prose of its own
#: container: at least this long, under this share in links (held out: yahoo-1 +0.03 to
#: +0.05 on three seeds, nothing worse anywhere).
SUBHEAD_LINKED_NEIGHBOUR_MIN_CHARS = 150
SUBHEAD_NEIGHBOUR_MAX_LINK_SHARE = 0.2
#: A list set into the article's prose (introduced by a paragraph of its container ending in
#: a colon, another paragraph of that container after it) is content unless this share or
#: more of its text is links (a list of teasers). Fundus / readability held out by site:
#: +0.0002 on each of three seeds, no page worse; dragnet-train seven pages up.
BODY_LIST_MAX_LINK_SHARE = 0.5
#: ... and the introducing paragraph has at least this many words (a sentence, not a spec
#: sheet's "Battery type:" label).
BODY_LIST_INTRO_MIN_WORDS = 5
#: Shortest content block between the headline and the main region kept as the article's lead
#: (standfirst, summary) though it lies outside the region.
LEAD_MIN_CHARS = 80
#: Shortest lead marked up as one (class "standfirst", "intro", "dek" ...): kept before the main
#: region with or without a headline before it.
LEAD_MARKED_MIN_CHARS = 30
#: Share of a block's characters inside links from which it is a teaser, not the lead.
LEAD_MAX_LINK_SHARE = 0.5
#: Probability of ``content`` from which a block inside the main region whose class / id tokens
#: (or its parent's) name the article's body ("entry-content", "post-body", itemprop
#: "articleBody") is content, with at least MARKED_BODY_MIN_CHARS characters and under
#: MARKED_BODY_MAX_LINK_SHARE of them in links.
MARKED_BODY_SCORE = 0.4
MARKED_BODY_MIN_CHARS = 40
MARKED_BODY_MAX_LINK_SHARE = 0.5
#: Photo captions leave the body when the rest of the body has at least this many times their
#: characters (a photo gallery's captions are its text).
CAPTIONS_OUT_MIN_RATIO = 1.0
#: Most characters of text a ``<figure>`` or an element named for an image ("image-widget",
#: "imgbox") may hold with its picture for its text to be the picture's caption (a longer one
#: wraps the article).
IMAGE_BOX_MAX_CHARS = 1000
#: Most text (in characters) of an unmarked element beside its picture whose blocks are taken
#: for a caption or an image tile's teaser (``extraction._beside_picture``): less than
#: ``IMAGE_BOX_MAX_CHARS``, since nothing names the element for its picture.
PICTURE_BOX_MAX_CHARS = 300
#: Levels up to the ``<figure>`` whose text, with its picture, is the picture's caption.
FIGURE_LEVELS = 6

#: A block under the content threshold whose tag path, indices aside, is the path of the
#: article's paragraphs in the main region (each paragraph in its own wrapper) is content,
#: whatever its probability, with at least PARALLEL_MIN_CHARS characters, under
#: PARALLEL_MAX_LINK_SHARE of them in links, when that path holds PARALLEL_PATH_MIN_CHARS of
#: content (chosen on fundus / readability held out by site, checked on dragnet / l3s-gn1: a
#: floor of p 0.2 kept out paragraphs the second stage had given to a neighbouring ad slot).
PARALLEL_MIN_CHARS = 40
#: ... except a block labelled paywall, which needs this probability of content: a paywall
#: notice set like a paragraph ("Subscribe to read the rest") must stay evidence of the wall.
PARALLEL_PAYWALL_MIN_SCORE = 0.2
PARALLEL_MAX_LINK_SHARE = 0.5
PARALLEL_PATH_MIN_CHARS = 300
#: Passes of the parallel-paragraph step while it adds content (the paragraphs it adds can
#: bring the body's twin containers into the main region).
PARALLEL_PASSES = 3
#: When no block of the body reaches CONTENT_THRESHOLD (the model is unsure of the whole
#: article), the prose is the article: blocks of at least FALLBACK_PROSE_MIN_CHARS, with links
#: under FALLBACK_PROSE_MAX_LINK_SHARE of their text; each weighs its probability of
#: ``content`` times its length, and the prose of the deepest element holding
#: MAIN_REGION_SHARE of that weight is the body, if its likeliest block reaches
#: FALLBACK_REGION_MIN_SCORE. Chosen on dragnet's train split and the held-out fundus /
#: readability pages: on dragnet-test the pages in this case scored 4.1 in all (of 16), 8.9
#: with it.
FALLBACK_PROSE_MIN_CHARS = 40
FALLBACK_PROSE_MAX_LINK_SHARE = 0.75
FALLBACK_REGION_MIN_SCORE = 0.02
#: A body of under FALLBACK_SHORT_BODY_CHARS gets that prose too when the prose weighs at least
#: FALLBACK_SHORT_BODY_RATIO times the body's length (dragnet-test 0.9175 -> 0.9206: two pages
#: up, none down; dragnet-train two up, one down; from 2,000 characters pages were lost).
FALLBACK_SHORT_BODY_CHARS = 300
FALLBACK_SHORT_BODY_RATIO = 2.0
#: A page without such prose (a photo and its caption): the likeliest content block becomes
#: the body if its probability of ``content`` is at least FALLBACK_MIN_SCORE, with the blocks
#: of its container whose probability is at most FALLBACK_SCORE_MARGIN lower.
FALLBACK_MIN_SCORE = 0.1
FALLBACK_SCORE_MARGIN = 0.2
#: Longest content block (in words) that can be a byline / dateline / credit line
#: (``Article.byline``) rather than article text.
METADATA_MAX_WORDS = 25
#: Words of a dateline besides its date, time and filler ("Updated", "GMT", "Monday", "|").
DATELINE_MAX_OTHER_WORDS = 4
#: Script code markers ("function(", "var x =", "&&", "};" ...) and share of code characters
#: ({}();=<>+[]) from which a block is the text of a broken ``<script>``, not article text.
CODE_MIN_MARKERS = 3
CODE_MIN_CHAR_SHARE = 0.04
#: Longest "Posted in ... / Tags: ..." line or copyright notice (in words) taken as site
#: furniture, not text (WordPress's "This entry was posted on ... and is filed under ... You
#: can follow any responses ..." runs to 50 words).
FURNITURE_MAX_WORDS = 60
#: Fewest words of a copyright notice taken as site furniture; shorter "© Getty Images" lines
#: are photo credits (``Article.byline``).
RIGHTS_NOTICE_MIN_WORDS = 4
#: Longest newsletter / follow-us / tip-off prompt (in words) taken as site furniture ("Follow
#: us on Twitter", "Sign up to our free breaking news emails", "Got a story? Get in touch").
PROMO_MAX_WORDS = 40
#: Longest block (in characters) tried as an ad slot's label ("Sponsored by <a name of up to
#: 40 characters>" is the longest the pattern takes).
AD_LABEL_MAX_CHARS = 80
#: Longest line (in characters) tried as a truncation notice ("The full article contains 339
#: words and appears in ... newspaper.").
TRUNCATION_NOTICE_MAX_CHARS = 200
#: A block at least this share of whose characters sit in links, with at least this many bars
#: or bullets between its items, is a menu set as one line ("Football | Cricket | Golf").
LINK_MENU_MIN_LINK_SHARE = 0.7
LINK_MENU_MIN_SEPARATORS = 3
#: Longest affiliate disclosure (in words) taken as one ("If you buy something using links in
#: our stories, we may earn a commission. This helps support our journalism. Learn more.").
AFFILIATE_DISCLOSURE_MAX_WORDS = 60
#: Longest line (in words) opened by a capitalised teaser label ("WATCH | ...", "MORE: ...")
#: taken as a teaser for a video or another story; a longer one is a paragraph of prose (a
#: dragnet-train post opens one with "RELATED:").
TEASER_LABEL_MAX_WORDS = 25
#: Share of a "Read more: ..." / "See also: ..." line's characters inside links from which it
#: is a teaser for another page (navigation), not a sentence of the article.
RELATED_LINK_MIN_SHARE = 0.5
#: A headline of another story set into the article as an all-capitals link ("2 NY RESIDENTS
#: ALLEGEDLY RAN SECRET CHINESE POLICE STATION"): at least this share of the line's
#: characters inside a link, at least this share of its letters capitals, at least this many
#: words and letters (an acronym or "USA TODAY" link is a word of the prose).
CAPS_TEASER_MIN_LINK_SHARE = 0.9
CAPS_TEASER_MIN_UPPER_SHARE = 0.9
CAPS_TEASER_MIN_WORDS = 3
CAPS_TEASER_MIN_LETTERS = 10
#: Longest block that can be the heading of a comment thread ("Comments (12)").
COMMENTS_HEADING_MAX_CHARS = 40
#: Characters of content before a comment-thread heading for the content after it to count as
#: readers' comments (a "12 comments" link next to the byline opens no thread).
COMMENTS_CUT_MIN_CHARS = 1000
#: ... and when the heading is a heading element (``<h2>Comments</h2>``): a short post's thread
#: (dragnet-train, l3s-gn1: six pages up, none down; from 100 characters pages were lost).
COMMENTS_HEADED_CUT_MIN_CHARS = 300
#: Longest heading (in words) of a module of links to other stories ("More from The Nation",
#: "Related stories", "You may also like").
MODULE_HEADING_MAX_WORDS = 8
#: Characters of content before such a heading for the module it opens to count as the page's
#: furniture, not the article's sections (fundus / readability held out by site: +0.0003 on
#: each of three seeds, no page worse; dragnet and l3s-gn1 unchanged but one page up).
MODULE_CUT_MIN_CHARS = 300

# --- weak labels (classifier.weak_labels) -----------------------------------------------------
#: Words per shingle when aligning blocks with a gold article body.
WEAK_SHINGLE = 4
#: Share of a block's shingles found in the gold for the block to be a content candidate.
WEAK_MIN_BLOCK_COVERAGE = 0.5
#: Blocks before the body searched for the headline / byline, and after it for short blocks.
WEAK_HEAD_WINDOW = 12
#: Longest block (in words) between headline and body taken as byline / dateline.
WEAK_MAX_BYLINE_WORDS = 25
#: Word-set similarity (Jaccard) of a block with the gold title to count as the headline.
WEAK_TITLE_SIMILARITY = 0.6
#: Ancestors (above the block element) whose class / id tokens count as ad / paywall evidence.
WEAK_ANCESTOR_LEVELS = 4
#: Ancestors checked against EasyList hiding rules.
WEAK_EASYLIST_LEVELS = 6
#: Longest block (in words) whose phrases count as ad / paywall evidence.
WEAK_MAX_EVIDENCE_WORDS = 60
#: Longest block (in words) in which a price per month / year counts as paywall evidence.
WEAK_MAX_PRICE_WORDS = 15
#: Characters of a "subscribe" box read to tell a free newsletter sign-up from a paywall.
WEAK_MAX_BOX_CHARS = 2_000
#: Largest JSON-LD script read (characters).
WEAK_MAX_JSONLD_CHARS = 500_000
#: Gold positions of one shingle that vote for a block's place (phrases the gold repeats).
WEAK_MAX_POSITIONS = 8
#: Aligned-block candidates per page (the alignment is quadratic in their number).
WEAK_MAX_CANDIDATES = 1_500
#: Places in the gold kept per block (a block the gold holds twice).
WEAK_MAX_PLACES = 3
#: Share of a block's characters inside links above which it is a link (menu, teaser list).
WEAK_LINKY_SHARE = 0.6
#: Pages whose content blocks recover less of the gold are not written as training fixtures.
WEAK_MIN_RECALL = 0.8

#: Longest start tag kept whole before parsing. libxml2 compares each attribute of an element
#: with the ones before it, so one tag with 50,000 attributes costs seconds (200,000: minutes);
#: real start tags are short, and cutting a long one loses no text.
MAX_TAG_BYTES = 8 * 1024
