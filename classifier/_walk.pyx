# cython: language_level=3, boundscheck=False, wraparound=False, initializedcheck=False
"""Segmentation's tree reading in C: the walk (the same blocks as ``segmentation._Walker``),
the ``PageFacts`` scan and whitespace squeezing, read straight from libxml2's nodes through
lxml's public C API.

The pure-Python walk creates a Python proxy, a tag string and several attribute lookups for
every element; this one touches the C nodes and creates Python objects only for what a
block keeps (its text, tokens, element). ``segmentation`` uses it when it is built and falls
back to the Python code otherwise; ``tests/classifier/test_native_kernels.py`` holds the two to
the same output on real and generated pages. The walk mirrors ``_Walker`` step for step: a
change to one must be made to the other.
"""

cimport cython
from cpython.mem cimport PyMem_Free, PyMem_Malloc
from libc.string cimport strcmp
from lxml.includes.etreepublic cimport (
    _Document,
    _Element,
    _isElement,
    attributeValueFromNsName,
    elementFactory,
    import_lxml__etree,
    namespacedName,
    tailOf,
    textOf,
)
from lxml.includes.tree cimport (
    XML_ELEMENT_NODE,
    xmlDoc,
    xmlDtd,
    xmlNode,
)

import_lxml__etree()

cdef extern from "Python.h":
    int PyUnicode_KIND(object text)
    void* PyUnicode_DATA(object text)
    Py_UCS4 PyUnicode_READ(int kind, void* data, Py_ssize_t i) nogil
    void PyUnicode_WRITE(int kind, void* data, Py_ssize_t i, Py_UCS4 ch) nogil
    bint Py_UNICODE_ISSPACE(Py_UCS4 ch) nogil
    object PyUnicode_FromKindAndData(int kind, const void* buffer, Py_ssize_t size)

from classifier import segmentation as _S
from classifier.constants import (
    MAX_BLOCKS as _MAX_BLOCKS,
    MAX_DEPTH as _MAX_DEPTH,
    MAX_NODES as _MAX_NODES,
    WARN_BLOCK_CAP,
    WARN_DEPTH_CAP,
    WARN_NODE_CAP,
    WARN_TEXT_CAP,
)

cdef Py_ssize_t MAX_BLOCKS = _MAX_BLOCKS
cdef Py_ssize_t MAX_DEPTH = _MAX_DEPTH
cdef Py_ssize_t MAX_NODES = _MAX_NODES

cdef int NOT_ELEMENT = _S._NOT_ELEMENT
cdef int SKIP = _S._SKIP
cdef int BREAK = _S._BREAK
cdef int BLOCK = _S._BLOCK
cdef int LINK = _S._LINK
cdef int IMAGE = _S._IMAGE

cdef dict TAG_KINDS = _S._TAG_KINDS
cdef object tag_kind = _S._tag_kind
cdef object hidden_style = _S._HIDDEN_STYLE.search
if _S.TOKEN_ATTRIBUTES != ("class", "id", "itemprop", "role", "data-component", "data-testid"):
    raise ImportError("classifier._walk reads other token attributes: rebuild it")
cdef tuple NO_VALUES = (None,) * 6
cdef dict TOKENS_BY_VALUES = _S._TOKENS_BY_VALUES
cdef object tokens_of_values = _S.tokens_of_values
cdef object block_text = _S.block_text
cdef object Block = _S.Block
cdef object element_path = _S._path


def usable(start):
    """Whether this walk reads ``start``'s tree exactly as the Python walk does: an lxml
    element of a document without a DTD that declares attributes (whose defaults only
    ``element.get`` would report)."""
    if not isinstance(start, _Element):
        return False
    cdef xmlNode* c_node = (<_Element>start)._c_node
    if c_node is NULL or c_node.doc is NULL:
        return False
    cdef xmlDtd* dtd = c_node.doc.intSubset
    return dtd is NULL or dtd.attributes is NULL


@cython.no_gc
cdef class Frame:
    """``segmentation._Frame`` with C fields; ``element`` is made on demand. Frames point
    only up the tree (``parent``, the ``block`` frame of an inline element; a block frame
    is marked ``is_block`` rather than pointing at itself): they never form a cycle, so the
    cyclic GC need not track the thousands a page makes."""
    cdef xmlNode* c_node
    cdef _Document doc
    cdef public str tag
    cdef public object raw_tag
    cdef public Frame parent
    cdef public Frame block
    cdef public bint is_block
    cdef public Py_ssize_t serial, occurrence, depth, emitted
    cdef public dict child_counts
    cdef public object tokens, chain, lineage, path
    cdef public bint link
    cdef public list parts
    cdef public Py_ssize_t link_chars, n_links, n_images, n_inline, br_run

    @property
    def element(self):
        return elementFactory(self.doc, self.c_node)


cdef inline Frame new_frame(xmlNode* c_node, _Document doc, str tag, object raw_tag,
                            Frame parent, Py_ssize_t serial, Py_ssize_t occurrence, Frame block,
                            Py_ssize_t depth, bint link):
    cdef Frame f = Frame.__new__(Frame)
    f.c_node = c_node
    f.doc = doc
    f.tag = tag
    f.raw_tag = raw_tag
    f.parent = parent
    f.serial = serial
    f.occurrence = occurrence
    f.child_counts = {}
    f.depth = depth
    f.link = link
    if block is None:
        f.is_block = True
        f.parts = []
        f.emitted = 0
    else:
        f.block = block
    return f


cdef inline Frame block_of(Frame frame):
    """The frame whose block ``frame``'s text goes to: itself, or its block ancestor."""
    return frame if frame.is_block else frame.block


cdef inline void count_text(Frame block, str text, bint link):
    if not text.isspace():
        block.br_run = 0
        if link:
            block.link_chars += len(" ".join(text.split())) + 1


cdef class Walker:
    """``segmentation._Walker``'s walk over C nodes (see there for the why of each step)."""
    cdef public list blocks, block_frames, warnings
    cdef public Py_ssize_t offset
    cdef _Document doc

    def __init__(self):
        self.blocks = []
        self.block_frames = []
        self.warnings = []
        self.offset = 0

    cdef void warn(self, str reason):
        if reason not in self.warnings:
            self.warnings.append(reason)

    cdef tuple tokens_of(self, Frame frame):
        cdef xmlNode* c_node = frame.c_node
        cdef tuple values
        if c_node.properties is NULL:
            values = NO_VALUES
        else:  # six lookups in C cost less than a key of all attributes
            values = (attribute(c_node, b"class"), attribute(c_node, b"id"),
                      attribute(c_node, b"itemprop"), attribute(c_node, b"role"),
                      attribute(c_node, b"data-component"), attribute(c_node, b"data-testid"))
        tokens = TOKENS_BY_VALUES.get(values)
        if tokens is None:
            tokens = tokens_of_values(values)
        frame.tokens = tokens
        return tokens

    cdef void fill_chain(self, Frame frame):
        """``segmentation._Walker.fill_chain`` for C frames."""
        cdef list pending = []
        cdef Frame node = frame
        while node is not None and node.chain is None:
            pending.append(node)
            node = node.parent
        chain = node.chain if node is not None and node.chain is not None else ()
        lineage = node.lineage if node is not None else ()
        for node in reversed(pending):
            tokens = node.tokens if node.tokens is not None else self.tokens_of(node)
            chain = ((node.tag, tokens), *chain)
            lineage = (node.serial, *lineage[:3])
            node.chain = chain
            node.lineage = lineage

    cdef void flush(self, Frame frame):
        cdef list parts = frame.parts
        cdef Py_ssize_t links = frame.n_links, images = frame.n_images
        cdef Py_ssize_t inline_ = frame.n_inline, link_chars = frame.link_chars
        frame.link_chars = frame.n_links = frame.n_images = frame.n_inline = frame.br_run = 0
        if not parts:
            return
        frame.parts = []
        text, capped = block_text(parts)
        if not text:
            return
        if capped:
            self.warn(WARN_TEXT_CAP)
        cdef list blocks = self.blocks
        if len(blocks) >= MAX_BLOCKS:
            self.warn(WARN_BLOCK_CAP)
            return
        cdef Frame parent = frame.parent
        cdef Py_ssize_t container
        if parent is None:
            ancestors = ()
            lineage = ()
            container = -1
        else:
            if parent.chain is None:
                self.fill_chain(parent)
            ancestors = parent.chain
            lineage = parent.lineage
            container = parent.serial
        tokens = frame.tokens if frame.tokens is not None else self.tokens_of(frame)
        frame.emitted += 1
        blocks.append(Block(
            len(blocks), text, frame.tag, "", frame.element, frame.depth, tokens, ancestors,
            min(link_chars, len(text)), links, images, inline_, self.offset, container, lineage,
            frame.emitted > 1))
        self.block_frames.append(frame)
        self.offset += len(text)

    cdef void line_break(self, Frame block):
        block.br_run += 1
        if block.br_run >= 2:
            self.flush(block)
        else:
            block.parts.append("\n")

    def walk(self, _Element start not None):
        """Walk ``start``'s subtree; returns True when a cap stopped it."""
        self.doc = start._doc
        tag = _S._tag(start) or "html"
        cdef Frame root = new_frame(start._c_node, self.doc, tag, start.tag, None, 0, 0, None,
                                    0, tag == "a")
        text = start.text
        if text:
            root.parts.append(text)
            count_text(root, text, root.link)
        cdef bint stopped
        if start._c_node.type == XML_ELEMENT_NODE:
            stopped = self.walk_below(root)
        else:
            stopped = self.close(root, False)
        return stopped

    def paths(self, bint stopped):
        """Each block's path: from the walk's sibling counts, or from libxml2 after a cap."""
        cdef Frame frame
        for block, frame in zip(self.blocks, self.block_frames):
            block.path = element_path(frame.element) if stopped else frame_path(frame)

    cdef bint walk_below(self, Frame root):
        cdef list blocks = self.blocks
        cdef dict kinds = TAG_KINDS
        cdef Frame top = root, block = root
        cdef bint link = root.link
        cdef Py_ssize_t depth = root.depth, nodes = 0, occurrence
        cdef dict counts = root.child_counts
        cdef list parts
        cdef int what
        cdef xmlNode* c_child = root.c_node.children
        cdef _Document doc = self.doc
        while True:
            while c_child is not NULL and not _isElement(c_child):
                c_child = c_child.next
            if c_child is not NULL:
                if len(blocks) >= MAX_BLOCKS:
                    self.warn(WARN_BLOCK_CAP)
                    return self.close(top, True)
                if c_child.type == XML_ELEMENT_NODE:
                    raw = namespacedName(c_child)
                    kind = kinds.get(raw)
                    if kind is None:
                        kind = tag_kind(raw)
                    tag, what = kind
                else:
                    raw = None
                    tag, what = "", NOT_ELEMENT
                if what != NOT_ELEMENT:
                    occurrence = counts.get(raw, 0)
                    counts[raw] = occurrence + 1
                    if what != SKIP:
                        nodes += 1
                        if nodes > MAX_NODES:
                            self.warn(WARN_NODE_CAP)
                            return self.close(top, True)
                        if depth >= MAX_DEPTH:
                            self.warn(WARN_DEPTH_CAP)
                        elif attribute(c_child, b"hidden") is not None:
                            pass
                        elif is_hidden_style(c_child):
                            pass
                        elif what == BREAK:
                            self.line_break(block)
                        elif what == BLOCK:
                            parts = block.parts
                            if len(parts) == 1 and (<str>parts[0]).isspace():
                                block.parts = []
                                block.link_chars = block.n_links = block.n_images = 0
                                block.n_inline = block.br_run = 0
                            elif parts:
                                self.flush(block)
                            else:
                                block.n_links = block.n_images = block.n_inline = 0
                            text = textOf(c_child)
                            if has_element_child(c_child) or (text and not text.isspace()):
                                top = block = new_frame(c_child, doc, tag, raw, top, nodes,
                                                        occurrence, None, depth + 1, link)
                                link, depth, counts = top.link, top.depth, top.child_counts
                                if text:
                                    block.parts.append(text)
                                    if link:
                                        count_text(block, text, link)
                                c_child = c_child.children
                                continue
                        else:
                            block.n_inline += 1
                            if what == LINK:
                                block.n_links += 1
                            elif what == IMAGE:
                                block.n_images += 1
                            text = textOf(c_child)
                            if has_element_child(c_child):
                                top = new_frame(c_child, doc, tag, raw, top, nodes, occurrence,
                                                block, depth + 1, link or what == LINK)
                                link, depth, counts = top.link, top.depth, top.child_counts
                                if text:
                                    block.parts.append(text)
                                    if link or block.br_run:
                                        count_text(block, text, link)
                                c_child = c_child.children
                                continue
                            if text:
                                block.parts.append(text)
                                if what == LINK or link or block.br_run:
                                    count_text(block, text, what == LINK or link)
                tail = tailOf(c_child)
                if tail:
                    block.parts.append(tail)
                    if link or block.br_run:
                        count_text(block, tail, link)
                c_child = c_child.next
            else:  # the children of ``top`` are done: close it
                if top is root:
                    return self.close(top, False)
                done = top
                top = done.parent
                if done.is_block:
                    parts = done.parts
                    if parts and not (len(parts) == 1 and (<str>parts[0]).isspace()):
                        self.flush(done)
                block = block_of(top)
                link, depth, counts = top.link, top.depth, top.child_counts
                tail = tailOf(done.c_node)
                if tail:
                    block.parts.append(tail)
                    if link or block.br_run:
                        count_text(block, tail, link)
                c_child = done.c_node.next

    cdef bint close(self, Frame top, bint stopped):
        cdef Frame frame = top
        while frame is not None:
            if frame.is_block:
                self.flush(frame)
            frame = frame.parent
        return stopped


cdef inline bint has_element_child(xmlNode* c_node):
    """``len(element) > 0``: lxml counts elements, comments, PIs and entity references."""
    cdef xmlNode* c = c_node.children
    while c is not NULL:
        if _isElement(c):
            return True
        c = c.next
    return False


cdef inline bint is_hidden_style(xmlNode* c_node):
    style = attribute(c_node, b"style")
    return bool(style) and hidden_style(style) is not None


cdef str frame_path(Frame frame):
    """``segmentation._frame_path`` for C frames."""
    cdef list pending = []
    cdef Frame node = frame
    while node is not None and node.path is None:
        pending.append(node)
        node = node.parent
    path = node.path if node is not None and node.path is not None else ""
    for node in reversed(pending):
        raw = node.raw_tag
        if node.parent is None or raw[0] == "{":
            path = element_path(node.element)
        elif node.parent.child_counts[raw] == 1:
            path = f"{path}/{raw}"
        else:
            path = f"{path}/{raw}[{node.occurrence + 1}]"
        node.path = path
    return path


def page_facts(_Element root not None):
    """``segmentation.page_facts`` in C: one pass over the C nodes below ``root``, Python
    objects made only for what is returned (a tuple of ``PageFacts``' fields)."""
    cdef xmlNode* top = root._c_node
    cdef xmlNode* c = top.children
    cdef const char* name
    cdef bint language_seen = False
    title = language = None
    cdef list og_titles = [], site_names = [], ld_json = []
    while c is not NULL:
        if c.type == XML_ELEMENT_NODE:
            if c.ns is NULL:  # a plain tag name matches elements without a namespace only
                name = <const char*>c.name
                if strcmp(name, b"title") == 0:
                    if title is None:
                        title = textOf(c) or ""
                elif strcmp(name, b"meta") == 0:
                    prop = attribute(c, b"property")
                    if prop == "og:title":
                        og_titles.append(attribute(c, b"content") or "")
                    elif prop == "og:site_name":
                        site_names.append(attribute(c, b"content") or "")
                    if not language_seen and (attribute(c, b"http-equiv") or "").lower() == (
                            "content-language"):
                        language, language_seen = attribute(c, b"content"), True
                elif strcmp(name, b"script") == 0:
                    if attribute(c, b"type") == "application/ld+json":
                        ld_json.append(textOf(c) or "")
            if c.children is not NULL:  # only an element's children are nodes of the tree
                c = c.children
                continue
        while c is not NULL and c.next is NULL:
            c = c.parent
            if c is top:
                c = NULL
        if c is not NULL:
            c = c.next
    return title, og_titles, site_names, language, ld_json


cdef inline object attribute(xmlNode* c_node, const char* name):
    """``element.get(name)``."""
    return attributeValueFromNsName(c_node, NULL, <const unsigned char*>name)


def squeeze_space(text):
    """``" ".join(text.split())`` without making a string of every word (the same
    whitespace: ``str.isspace``); ``text`` is a ``str`` or a subclass."""
    if not isinstance(text, str):
        raise TypeError(f"expected str, got {type(text).__name__}")
    cdef Py_ssize_t n = len(text), i, j = 0
    cdef int kind = PyUnicode_KIND(text)
    cdef void* data = PyUnicode_DATA(text)
    cdef bint gap = False
    cdef Py_UCS4 ch
    cdef char* out = <char*>PyMem_Malloc(n * kind + 1)
    if out is NULL:
        raise MemoryError()
    try:
        for i in range(n):
            ch = PyUnicode_READ(kind, data, i)
            if Py_UNICODE_ISSPACE(ch):
                gap = j > 0
            else:
                if gap:
                    PyUnicode_WRITE(kind, out, j, 32)
                    j += 1
                    gap = False
                PyUnicode_WRITE(kind, out, j, ch)
                j += 1
        # makes the canonical string: the narrowest kind that holds what is left
        return PyUnicode_FromKindAndData(kind, out, j)
    finally:
        PyMem_Free(out)
