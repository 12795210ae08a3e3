//! Structural analysis of a SQL token stream.
//!
//! The parser reads the tokens of one "context" (the value pasted as-is into a
//! query, or pasted inside single or double quotes) with a forgiving state
//! machine that knows enough SQL grammar to tell a syntactically plausible
//! continuation of a query from ordinary text. While the tokens stay
//! plausible, it records the constructs attackers rely on (tautologies,
//! UNION SELECT, stacked statements, comment truncation, delay functions ...).
//! Everything after the first implausible token is ignored, which is what keeps
//! prose such as "bob's or alice's" or "1 or 2 items" from matching.

use super::sql_lex::{Cmt, Op, Tk, Token};
use super::sql_words::{FnClass, Kw, Lit, Word, function_class, system_object};

/// What was found, in order of how convincing it is to a learner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Find {
    /// `UNION [ALL] SELECT`.
    UnionSelect,
    /// A second statement after `;` (or an MSSQL statement without `;`).
    Stacked(Kw),
    /// A delay function call (`SLEEP(5)`, `BENCHMARK(...)`, `WAITFOR DELAY`).
    Delay,
    /// A function that reads files, runs commands or leaks data through errors.
    Danger,
    /// `OR`/`AND` followed by a condition that is always true.
    Tautology,
    /// `OR`/`AND` followed by a comparison of two constants (always false or true).
    ConstCompare,
    /// `OR`/`AND` followed by a comparison.
    Condition,
    /// `OR`/`AND` followed by `TRUE`/`FALSE`.
    BoolLiteral,
    /// `OR`/`AND` followed by a constant (only counted after a closing quote).
    TruthyConst,
    /// `OR`/`AND` followed by a function call or subquery.
    CondCall,
    /// The rest of the query commented out right after a closing quote.
    CommentTruncation,
    /// A `(SELECT ...)` subquery.
    Subquery,
    /// `ORDER BY n` / `GROUP BY n` / `HAVING` used to probe the query shape.
    ShapeProbe,
    /// `INTO OUTFILE` / `INTO DUMPFILE`.
    IntoOutfile,
    /// A function call spliced into a string with `||` or `+`.
    Splice,
    /// A complete `SELECT` statement with SQL-only syntax.
    SelectStatement,
    /// A function revealing the database, its version or user.
    Info,
    /// A quote closed and the statement ended with `;` (high sensitivity).
    Terminator,
    /// A distinctly SQL function called on its own (high sensitivity).
    SqlFunction,
    /// A database system object name on its own (high sensitivity).
    SystemObject,
    /// SQL-only syntax such as a `::int` cast or `CASE WHEN` (high sensitivity).
    SqlSyntax,
    /// A complete `CASE ... END` expression.
    CaseExpr,
    /// A function revealing the version or user, nested in another call.
    NestedInfo,
    /// A bare value of constants and calls followed by a comment (`1--`).
    ValueComment,
    /// `x' OP 'y`: the quote closed, an operator, and a new string opened.
    QuoteOperator,
}

/// What the parse as a whole looked like.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Summary {
    /// Every token was read as part of a plausible query.
    pub(super) complete: bool,
}

/// One finding with the byte span of its evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Finding {
    pub(super) find: Find,
    pub(super) start: usize,
    pub(super) end: usize,
}

/// Where the analysed value sits in the query.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Ctx {
    /// Pasted as-is (a number, a column name, a whole clause).
    Bare,
    /// Pasted between quotes; the first token is the rest of that string.
    Quoted,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Opnd {
    Num,
    Str,
    Ident,
    Var,
    Bool,
    Null,
    Session,
    Func(Option<FnClass>),
    Subquery,
    Expr,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Operand {
    kind: Opnd,
    start: usize,
    end: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum CmpKind {
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Like,
    Other,
}

/// The condition after one `OR`/`AND`, tracked until it ends.
#[derive(Clone, Copy, Debug)]
struct Term {
    start: usize,
    end: usize,
    depth: usize,
    cmp: Option<CmpKind>,
    left: Option<Operand>,
    right: Option<Operand>,
    first: Option<Operand>,
    operands: u8,
    arith: bool,
    negated: bool,
    /// A WHERE/HAVING condition: only constant comparisons count.
    weak: bool,
    /// Not introduced by OR/AND (the closing quote itself, or a bare value
    /// that starts with a comparison): only constant comparisons count.
    implicit: bool,
    /// Every operand so far is a constant.
    all_const: bool,
    /// The operand left of the OR/AND, when it was a single one.
    left_of_logic: Option<Opnd>,
}

impl Term {
    fn new(start: usize, end: usize, depth: usize) -> Self {
        Self {
            start,
            end,
            depth,
            cmp: None,
            left: None,
            right: None,
            first: None,
            operands: 0,
            arith: false,
            negated: false,
            weak: false,
            implicit: false,
            all_const: true,
            left_of_logic: None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Frame {
    Top,
    Group,
    Args(Option<FnClass>),
    Subquery,
    Case,
    Brace,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Clause {
    Expr,
    SelectList,
    From,
}

#[derive(Clone, Copy, Debug)]
struct FrameState {
    frame: Frame,
    start: usize,
    clause: Clause,
    operands: u8,
    ops: u8,
    single: Option<Operand>,
    alias_ok: bool,
    between: bool,
}

impl FrameState {
    fn new(frame: Frame, start: usize) -> Self {
        Self {
            frame,
            start,
            clause: Clause::Expr,
            operands: 0,
            ops: 0,
            single: None,
            alias_ok: false,
            between: false,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum St {
    Start,
    Stmt,
    Operand,
    After,
    SelectHead,
    FromItem,
    UnionNext,
    ByNext,
    IntoTarget,
    AliasName,
    CastType,
    IsNext,
    NotNext,
    SoundsNext,
    Name,
    Waitfor,
    WaitforArg,
    ExecTarget,
    DeclareVar,
    SetTarget,
    ObjectKind,
    ObjectName,
    InsertHead,
    UpdateName,
    DeleteFrom,
    Loose,
    TopN,
    ExistsParen,
    ProcedureName,
}

/// Markers that make a bare `SELECT` statement clearly SQL rather than prose.
#[derive(Clone, Copy, Debug, Default)]
struct SelectMarks {
    started_at: Option<usize>,
    marked: bool,
}

const MAX_FRAMES: usize = 48;

/// Analyses one context and returns what it found (possibly nothing).
pub(super) fn analyse(
    text: &str,
    toks: &[Token],
    ctx: Ctx,
    findings: &mut Vec<Finding>,
) -> Summary {
    findings.clear();
    let mut p = Parser {
        text: text.as_bytes(),
        toks,
        i: 0,
        st: St::Start,
        frames: [FrameState::new(Frame::Top, 0); MAX_FRAMES],
        depth: 0,
        term: None,
        findings,
        sel: SelectMarks::default(),
        ctx,
        break_end: 0,
        pending_kw: None,
        after_if: false,
        pending: Vec::new(),
        complete: false,
    };
    p.run();
    Summary {
        complete: p.complete,
    }
}

struct Parser<'a, 'f> {
    text: &'a [u8],
    toks: &'a [Token],
    i: usize,
    st: St,
    frames: [FrameState; MAX_FRAMES],
    depth: usize,
    term: Option<Term>,
    findings: &'f mut Vec<Finding>,
    sel: SelectMarks,
    ctx: Ctx,
    /// Byte offset just after the closing quote of the first string (quoted context).
    break_end: usize,
    /// The statement keyword being parsed (DROP, CREATE ...).
    pending_kw: Option<Kw>,
    /// An MSSQL `IF (cond)` was read: a statement may follow the condition.
    after_if: bool,
    /// Findings from calls whose arguments are still open, with the depth of
    /// the argument frame: dropped if the arguments turn out not to parse.
    pending: Vec<(Find, usize)>,
    /// Set when every token was consumed.
    complete: bool,
}

impl Parser<'_, '_> {
    fn run(&mut self) {
        if self.ctx == Ctx::Quoted {
            // The first token is the string the value was pasted into.
            let Some(first) = self.toks.first().copied() else {
                return;
            };
            if first.tk != (Tk::Str { closed: true }) {
                return;
            }
            self.break_end = first.end;
            self.i = 1;
            self.st = St::After;
            let s0 = Operand {
                kind: Opnd::Str,
                start: first.start,
                end: first.end,
            };
            self.frames[0].operands = 1;
            self.frames[0].single = Some(s0);
            // The closed string may be compared at once: `'='`, `' LIKE '`.
            let mut term = Term::new(first.end.saturating_sub(1), first.end, 0);
            term.implicit = true;
            term.first = Some(s0);
            term.operands = 1;
            self.term = Some(term);
            self.comment_truncation();
            self.after_break();
        } else if let Some(first) = self
            .toks
            .iter()
            .find(|t| !matches!(t.tk, Tk::Comment(_) | Tk::Filler))
            .copied()
            && matches!(first.tk, Tk::Op(Op::Cmp) | Tk::Word(Word::Kw(Kw::Like)))
        {
            // A bare value that starts with a comparison continues the
            // application's condition: ` LIKE '%'`.
            let mut term = Term::new(first.start, first.end, 0);
            term.implicit = true;
            self.term = Some(term);
        }
        while self.i < self.toks.len() {
            let t = self.toks[self.i];
            if let Tk::Comment(_) | Tk::Filler = t.tk {
                self.i += 1;
                continue;
            }
            if !self.step(t) {
                // Calls whose arguments do not parse are not evidence.
                for (find, _) in std::mem::take(&mut self.pending) {
                    self.findings.retain(|f| f.find != find);
                }
                self.finish_term(false);
                self.finish_select(false);
                return;
            }
            self.i += 1;
        }
        self.finish_term(true);
        self.finish_select(true);
        self.complete = true;
    }

    fn push(&mut self, f: Finding) -> bool {
        if self.findings.iter().any(|x| x.find == f.find) {
            return false;
        }
        self.findings.push(f);
        true
    }

    fn find(&mut self, find: Find, start: usize, end: usize) -> bool {
        self.push(Finding { find, start, end })
    }

    fn cur(&self) -> &FrameState {
        &self.frames[self.depth]
    }

    fn cur_mut(&mut self) -> &mut FrameState {
        &mut self.frames[self.depth]
    }

    /// The next token that is not a comment or filler.
    fn peek(&self) -> Option<Token> {
        self.toks[self.i + 1..]
            .iter()
            .find(|t| !matches!(t.tk, Tk::Comment(_) | Tk::Filler))
            .copied()
    }

    fn peek_is(&self, tk: Tk) -> bool {
        self.peek().is_some_and(|t| t.tk == tk)
    }

    fn word_at(&self, t: &Token) -> &[u8] {
        self.text.get(t.start..t.end).unwrap_or(&[])
    }

    fn open(&mut self, frame: Frame, start: usize) -> bool {
        if self.depth + 1 >= MAX_FRAMES {
            return false;
        }
        self.depth += 1;
        self.frames[self.depth] = FrameState::new(frame, start);
        true
    }

    /// Quoted context: the quote is closed and a comment follows at once
    /// (possibly after closing parentheses or a `;`): the classic
    /// `admin'--` that cuts off the rest of the query. Comments that read like
    /// text (`--INFANT`, `#2 NEEDLE`) do not count.
    fn comment_truncation(&mut self) {
        let Some(first) = self.toks.first().copied() else {
            return;
        };
        let body = self
            .text
            .get(..first.end.saturating_sub(1))
            .unwrap_or_default();
        let one_word = !body.iter().any(u8::is_ascii_whitespace);
        for t in &self.toks[1..] {
            match t.tk {
                Tk::RParen | Tk::Semi => continue,
                Tk::Comment(c) => {
                    let text = self.text.get(t.start..t.end).unwrap_or_default();
                    let ok = match c {
                        Cmt::DashDash => !text.get(2).is_some_and(u8::is_ascii_alphanumeric),
                        Cmt::Hash => {
                            one_word && !text.iter().skip(1).any(u8::is_ascii_alphanumeric)
                        }
                        Cmt::Block { .. } => one_word,
                    };
                    if ok {
                        self.find(Find::CommentTruncation, first.end.saturating_sub(1), t.end);
                    }
                    return;
                }
                _ => return,
            }
        }
    }

    /// Quoted context: a delay or dangerous call, or a subquery, right after
    /// the closing quote, even without an operator in between
    /// (`x' sleep(10) '`, `x' (select load_file(...)) '`).
    fn after_break(&mut self) {
        let mut parens = 0usize;
        for (n, t) in self.toks.iter().enumerate().skip(1) {
            match t.tk {
                Tk::Comment(_) => continue,
                Tk::LParen => parens += 1,
                Tk::Word(Word::Kw(Kw::Select)) if parens > 0 => {
                    let end = self.toks.get(n + 1).map_or(t.end, |x| x.end);
                    self.find(Find::Subquery, self.break_end.saturating_sub(1), end);
                    return;
                }
                Tk::Word(_) => {
                    let w = self.word_at(t);
                    let next = self.toks[n + 1..]
                        .iter()
                        .find(|x| !matches!(x.tk, Tk::Comment(_)));
                    if let Some(lp) = next
                        && lp.tk == Tk::LParen
                    {
                        let find = match function_class(w) {
                            Some(FnClass::Delay) => Find::Delay,
                            Some(FnClass::Danger) => Find::Danger,
                            _ => return,
                        };
                        let end = self.call_end(*lp);
                        self.find(find, self.break_end.saturating_sub(1), end);
                    }
                    return;
                }
                _ => return,
            }
        }
    }

    /// True when the current frame is the term's frame or plain grouping
    /// parentheses inside it: `OR ('1'='1')`.
    fn in_term_scope(&self, term_depth: usize) -> bool {
        self.depth >= term_depth
            && self
                .frames
                .get(term_depth + 1..=self.depth)
                .is_some_and(|fs| fs.iter().all(|f| f.frame == Frame::Group))
    }

    fn operand_done(&mut self, o: Operand) {
        self.operand_done_in(o, true);
    }

    /// Records a complete operand. `count` is false for a closing group,
    /// whose content was already seen by the current term.
    fn operand_done_in(&mut self, o: Operand, count: bool) {
        {
            let f = self.cur_mut();
            f.operands = f.operands.saturating_add(1);
            f.single = if f.operands == 1 && f.ops == 0 {
                Some(o)
            } else {
                None
            };
            f.alias_ok = matches!(f.clause, Clause::SelectList | Clause::From);
        }
        let scope = self.term.is_some_and(|t| self.in_term_scope(t.depth));
        if let Some(t) = self.term.as_mut() {
            t.end = t.end.max(o.end);
            if scope && count {
                t.operands = t.operands.saturating_add(1);
                if t.first.is_none() {
                    t.first = Some(o);
                }
                if t.cmp.is_some() && t.right.is_none() {
                    t.right = Some(o);
                }
                if !is_const(o.kind) {
                    t.all_const = false;
                }
            }
        }
        if self.sel.started_at.is_some()
            && matches!(
                o.kind,
                Opnd::Var | Opnd::Func(_) | Opnd::Null | Opnd::Session | Opnd::Subquery
            )
        {
            self.sel.marked = true;
        }
        self.st = St::After;
    }

    /// The operand just before a comparison: the frame's single value, or an
    /// expression when arithmetic came first (`x+1 = 2`).
    fn last_operand_for_cmp(&self, at: &Token) -> Option<Operand> {
        let f = self.cur();
        if f.ops > 0 {
            return Some(Operand {
                kind: Opnd::Expr,
                start: f.start,
                end: at.start,
            });
        }
        f.single
    }

    fn on_binary(&mut self, cmp: Option<CmpKind>, at: &Token) {
        let left = self.last_operand_for_cmp(at);
        {
            let f = self.cur_mut();
            f.ops = f.ops.saturating_add(1);
            f.single = None;
            f.alias_ok = false;
        }
        let scope = self.term.is_some_and(|t| self.in_term_scope(t.depth));
        if let Some(t) = self.term.as_mut()
            && scope
        {
            t.end = t.end.max(at.end);
            match cmp {
                Some(c) if t.cmp.is_none() => {
                    t.cmp = Some(c);
                    t.left = left;
                }
                None => t.arith = true,
                _ => {}
            }
        }
        self.st = St::Operand;
    }

    fn start_term(&mut self, at: &Token) {
        self.finish_term(true);
        let start = if self.ctx == Ctx::Quoted && self.only_break_so_far() {
            self.break_end.saturating_sub(1)
        } else {
            at.start
        };
        let mut term = Term::new(start, at.end, self.depth);
        term.left_of_logic = self.cur().single.map(|o| o.kind);
        self.term = Some(term);
        let f = self.cur_mut();
        f.single = None;
        f.operands = 0;
        f.ops = 0;
        self.st = St::Operand;
    }

    /// True while nothing but closing parentheses follows the first string.
    fn only_break_so_far(&self) -> bool {
        self.toks[1..self.i]
            .iter()
            .all(|t| matches!(t.tk, Tk::RParen | Tk::Comment(_) | Tk::Filler))
    }

    /// Classifies the condition after an OR/AND. `valid` is false when the
    /// condition was cut short by a token that cannot continue a query; weak
    /// findings (a constant, an identifier comparison) then do not count.
    fn finish_term(&mut self, valid: bool) {
        let Some(t) = self.term.take() else {
            return;
        };
        let quoted = self.ctx == Ctx::Quoted;
        let find = match (t.cmp, t.left, t.right) {
            (Some(c), Some(l), Some(r)) => {
                if is_const(l.kind) && is_const(r.kind) {
                    match self.const_truth(c, l, r) {
                        Some(true) if !t.negated => Some(Find::Tautology),
                        _ => Some(Find::ConstCompare),
                    }
                } else if l.kind == Opnd::Ident && r.kind == Opnd::Ident {
                    // `x=x` is always true; `c>d` between two names reads as
                    // prose ("a<b and c>d") unless a quote was just closed.
                    if c == CmpKind::Eq && self.same_text(l, r) {
                        Some(Find::Tautology)
                    } else if valid && quoted {
                        Some(Find::Condition)
                    } else {
                        None
                    }
                } else if valid || !(l.kind == Opnd::Ident || r.kind == Opnd::Ident) {
                    Some(Find::Condition)
                } else {
                    None
                }
            }
            // `LIKE '%'` matches everything.
            (Some(CmpKind::Like), None, Some(r))
                if self
                    .const_value(r)
                    .is_some_and(|v| !v.is_empty() && v.iter().all(|&c| c == b'%')) =>
            {
                Some(Find::Tautology)
            }
            (Some(_), _, _) => None,
            (None, _, _) if !valid => None,
            (None, _, _) => match t.first {
                Some(o) if t.operands == 1 && !t.arith => match o.kind {
                    // `1 OR TRUE`, `' OR TRUE`, `OR TRUE--`; not prose like
                    // "true or false" or "yes and true".
                    Opnd::Bool
                        if quoted
                            || !matches!(
                                t.left_of_logic,
                                Some(Opnd::Bool | Opnd::Str | Opnd::Ident)
                            ) =>
                    {
                        Some(Find::BoolLiteral)
                    }
                    Opnd::Num | Opnd::Null | Opnd::Session | Opnd::Var if quoted => {
                        Some(Find::TruthyConst)
                    }
                    Opnd::Str if quoted && self.truthy_string(o) => Some(Find::TruthyConst),
                    Opnd::Func(Some(FnClass::Delay)) => Some(Find::Delay),
                    Opnd::Func(Some(FnClass::Danger)) => Some(Find::Danger),
                    Opnd::Func(Some(_)) | Opnd::Subquery => Some(Find::CondCall),
                    Opnd::Func(None) | Opnd::Expr if quoted => Some(Find::CondCall),
                    _ => None,
                },
                // `' or ''-'`: an expression of constants only.
                Some(_) if quoted && t.all_const && t.arith && t.operands > 1 => {
                    Some(Find::TruthyConst)
                }
                // `' or column^'1`: an expression in place of a condition.
                Some(_) if quoted && t.arith && t.operands > 1 => Some(Find::Condition),
                _ => None,
            },
        };
        let find = if t.implicit {
            // `'='`, `'LIKE'`: only an always-true comparison of a one-word
            // string that ends the value counts.
            let one_word = self.ctx == Ctx::Bare
                || !self
                    .text
                    .get(..self.break_end)
                    .is_some_and(|s0| s0.iter().any(u8::is_ascii_whitespace));
            match find {
                Some(Find::Tautology) if valid && one_word => find,
                // `X' - 'Y' - 0 = '1`: arithmetic on constants, then compared.
                Some(Find::ConstCompare | Find::Condition)
                    if valid && t.arith && t.all_const && self.ctx == Ctx::Quoted =>
                {
                    Some(Find::ConstCompare)
                }
                _ => None,
            }
        } else {
            find
        };
        let strong_only = t.implicit || t.weak;
        let find = match find {
            Some(f @ (Find::Tautology | Find::ConstCompare)) => Some(f),
            Some(f @ (Find::Delay | Find::Danger)) if !t.implicit => Some(f),
            Some(f) if !strong_only => Some(f),
            _ => None,
        };
        if let Some(f) = find {
            self.find(f, t.start, t.end);
        }
    }

    /// A string constant that reads as a boolean probe (`'1`, `'x'`, `'1=1`)
    /// rather than as text (`"disney:`).
    fn truthy_string(&self, o: Operand) -> bool {
        let Some(v) = self.const_value(o) else {
            return false;
        };
        let v = v.trim_ascii();
        !v.is_empty()
            && (v.len() <= 3
                || v.contains(&b'=')
                || v.iter().all(|c| c.is_ascii_digit() || *c == b'.'))
    }

    fn const_truth(&self, c: CmpKind, l: Operand, r: Operand) -> Option<bool> {
        let a = self.const_value(l)?;
        let b = self.const_value(r)?;
        // MySQL compares a string with a number as numbers ('' = 0 is true).
        let (na, nb) = match (l.kind, r.kind) {
            (Opnd::Num, Opnd::Str) => (parse_num(a), Some(mysql_number(b))),
            (Opnd::Str, Opnd::Num) => (Some(mysql_number(a)), parse_num(b)),
            _ => (parse_num(a), parse_num(b)),
        };
        let ord = match (na, nb) {
            (Some(x), Some(y)) => x.partial_cmp(&y)?,
            _ => a.to_ascii_lowercase().cmp(&b.to_ascii_lowercase()),
        };
        use std::cmp::Ordering::*;
        Some(match c {
            CmpKind::Eq | CmpKind::Like => ord == Equal,
            CmpKind::Ne => ord != Equal,
            CmpKind::Lt => ord == Less,
            CmpKind::Gt => ord == Greater,
            CmpKind::Le => ord != Greater,
            CmpKind::Ge => ord != Less,
            CmpKind::Other => return None,
        })
    }

    /// The value of a constant operand, without quotes.
    fn const_value(&self, o: Operand) -> Option<&[u8]> {
        let raw = self.text.get(o.start..o.end)?;
        match o.kind {
            Opnd::Num | Opnd::Bool => Some(raw),
            Opnd::Str if self.ctx == Ctx::Quoted && o.start == 0 && o.end == self.break_end => {
                // The string the value was pasted into: no opening quote here.
                raw.get(..raw.len().saturating_sub(1))
            }
            Opnd::Str => {
                let q = *raw.first()?;
                let inner = raw.get(1..)?;
                Some(match inner.last() {
                    Some(&l) if l == q && !inner.is_empty() => inner.get(..inner.len() - 1)?,
                    _ => inner,
                })
            }
            _ => None,
        }
    }

    fn same_text(&self, a: Operand, b: Operand) -> bool {
        match (self.text.get(a.start..a.end), self.text.get(b.start..b.end)) {
            (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
            _ => false,
        }
    }

    fn finish_select(&mut self, complete: bool) {
        if let Some(start) = self.sel.started_at.take()
            && self.sel.marked
        {
            let end = self
                .toks
                .get(
                    self.i
                        .min(self.toks.len())
                        .saturating_sub(if complete { 1 } else { 0 }),
                )
                .map_or(self.text.len(), |t| t.end)
                .max(start);
            self.find(Find::SelectStatement, start, end);
        }
    }

    // ----- the state machine --------------------------------------------------

    /// Consumes one token; false when the token cannot continue the query.
    fn step(&mut self, t: Token) -> bool {
        match self.st {
            St::Start => self.at_start(t),
            St::Stmt => self.statement(t, true),
            St::Operand => self.operand(t),
            St::After => self.after(t),
            St::SelectHead => self.select_head(t),
            St::FromItem => self.table_ref(t),
            St::UnionNext => self.union_next(t),
            St::ByNext => {
                if t.tk == Tk::Word(Word::Kw(Kw::By)) {
                    self.st = St::Operand;
                    // `ORDER BY 1--` probes the number of columns.
                    // A bare value needs a column number or a call
                    // (`ORDER BY 3`, `ORDER BY SLEEP(5)`), not a name
                    // ("order by date").
                    let bare_ok = |p: &Self, n: &Token| {
                        n.tk == Tk::Num
                            || (matches!(n.tk, Tk::Word(Word::Ident))
                                && p.toks[p.index_of(*n) + 1..]
                                    .iter()
                                    .find(|x| !matches!(x.tk, Tk::Comment(_)))
                                    .is_some_and(|x| x.tk == Tk::LParen))
                    };
                    if let Some(n) = self.peek()
                        && matches!(n.tk, Tk::Num | Tk::Word(Word::Ident) | Tk::LParen)
                        && (self.ctx == Ctx::Quoted
                            || (self.toks_before_are_shape_prefix() && bare_ok(self, &n)))
                    {
                        // Start at ORDER/GROUP, just before BY.
                        let kw = self.toks[..self.i]
                            .iter()
                            .rposition(|x| !matches!(x.tk, Tk::Comment(_)))
                            .unwrap_or(self.i);
                        let from = self.toks.get(kw).map_or(t.start, |k| k.start);
                        let start = self.evidence_start_at(kw, from);
                        self.find(Find::ShapeProbe, start, n.end);
                    }
                    true
                } else {
                    false
                }
            }
            St::IntoTarget => match t.tk {
                Tk::Word(Word::Kw(Kw::Outfile)) => {
                    if let Some(n) = self.peek()
                        && matches!(n.tk, Tk::Str { .. } | Tk::LParen | Tk::Word(Word::Ident))
                    {
                        let start = self.evidence_start(t.start);
                        self.find(Find::IntoOutfile, start, n.end);
                    }
                    self.st = St::Operand;
                    true
                }
                Tk::Var | Tk::Word(Word::Ident) | Tk::QIdent => {
                    self.st = St::After;
                    true
                }
                _ => false,
            },
            St::AliasName => match t.tk {
                Tk::Word(_) | Tk::QIdent | Tk::Str { .. } => {
                    self.cur_mut().alias_ok = false;
                    self.st = St::After;
                    true
                }
                _ => false,
            },
            St::CastType => match t.tk {
                Tk::Word(_) => {
                    // `::double precision`, `::int`, `::jsonb`.
                    self.st = St::After;
                    true
                }
                _ => false,
            },
            St::IsNext => match t.tk {
                Tk::Word(Word::Kw(Kw::Not)) => true,
                Tk::Word(Word::Literal(l)) => {
                    let kind = if l == Lit::Null {
                        Opnd::Null
                    } else {
                        Opnd::Bool
                    };
                    self.operand_done(Operand {
                        kind,
                        start: t.start,
                        end: t.end,
                    });
                    true
                }
                Tk::Word(Word::Kw(Kw::Distinct)) => {
                    // IS [NOT] DISTINCT FROM x
                    match self.peek() {
                        Some(n) if n.tk == Tk::Word(Word::Kw(Kw::From)) => {
                            self.i = self.index_of(n);
                            self.st = St::Operand;
                            true
                        }
                        _ => false,
                    }
                }
                _ => false,
            },
            St::NotNext => match t.tk {
                Tk::Word(Word::Kw(Kw::Like | Kw::In | Kw::Between)) => {
                    self.st = St::Operand;
                    self.after(t)
                }
                Tk::Word(Word::Kw(Kw::Exists)) => {
                    self.st = St::ExistsParen;
                    true
                }
                _ => false,
            },
            St::SoundsNext => {
                if t.tk == Tk::Word(Word::Kw(Kw::Like)) {
                    self.st = St::Operand;
                    true
                } else {
                    false
                }
            }
            St::Name => match t.tk {
                Tk::Word(_) | Tk::QIdent => {
                    self.st = St::After;
                    true
                }
                _ => false,
            },
            St::Waitfor => match t.tk {
                Tk::Word(Word::Kw(Kw::Delay)) => {
                    self.st = St::WaitforArg;
                    true
                }
                Tk::Word(Word::Ident) if self.word_at(&t).eq_ignore_ascii_case(b"time") => {
                    self.st = St::WaitforArg;
                    true
                }
                _ => false,
            },
            St::WaitforArg => match t.tk {
                Tk::Str { .. } | Tk::Var | Tk::Num => {
                    let start = self.waitfor_start();
                    self.find(Find::Delay, start, t.end);
                    self.st = St::After;
                    self.pending_kw = None;
                    true
                }
                _ => false,
            },
            St::ExecTarget => self.exec_target(t),
            St::DeclareVar => match t.tk {
                // `DECLARE name CURSOR FOR ...`
                Tk::Word(Word::Ident)
                    if self
                        .peek()
                        .is_some_and(|n| self.word_at(&n).eq_ignore_ascii_case(b"cursor")) =>
                {
                    let start = self.stmt_start();
                    self.find(Find::Stacked(Kw::Declare), start, t.end);
                    self.st = St::Loose;
                    true
                }
                _ if t.tk == Tk::Var || self.word_at(&t) == b"@@" => {
                    let start = self.stmt_start();
                    self.find(Find::Stacked(Kw::Declare), start, t.end);
                    self.st = St::Loose;
                    true
                }
                _ => false,
            },
            St::SetTarget => match t.tk {
                _ if (t.tk == Tk::Var || self.word_at(&t) == b"@@")
                    && self
                        .peek()
                        .is_some_and(|n| matches!(n.tk, Tk::Op(Op::Cmp | Op::Assign))) =>
                {
                    let start = self.stmt_start();
                    self.find(Find::Stacked(Kw::Set), start, t.end);
                    self.st = St::Loose;
                    true
                }
                _ => false,
            },
            St::ObjectKind => match t.tk {
                Tk::Word(Word::Kw(Kw::Object | Kw::Procedure)) => {
                    self.st = St::ObjectName;
                    true
                }
                Tk::Word(Word::Ident)
                    if self.word_at(&t).eq_ignore_ascii_case(b"user")
                        || self.word_at(&t).eq_ignore_ascii_case(b"column") =>
                {
                    self.st = St::ObjectName;
                    true
                }
                Tk::Word(Word::Ident) if self.pending_kw == Some(Kw::Truncate) => {
                    let start = self.stmt_start();
                    self.find(Find::Stacked(Kw::Truncate), start, t.end);
                    self.st = St::Loose;
                    true
                }
                _ => false,
            },
            St::ObjectName => match t.tk {
                Tk::Word(_) | Tk::QIdent | Tk::Var => {
                    let kw = self.pending_kw.unwrap_or(Kw::Drop);
                    let start = self.stmt_start();
                    self.find(Find::Stacked(kw), start, t.end);
                    self.st = St::Loose;
                    true
                }
                _ => false,
            },
            St::InsertHead => match t.tk {
                Tk::Word(Word::Kw(Kw::Into)) => true,
                Tk::Word(_) | Tk::QIdent => {
                    let prev_into = self.i > 0
                        && self.toks[..self.i]
                            .iter()
                            .rev()
                            .find(|x| !matches!(x.tk, Tk::Comment(_)))
                            .is_some_and(|x| x.tk == Tk::Word(Word::Kw(Kw::Into)));
                    let next_ok = self.peek().is_none_or(|n| {
                        matches!(
                            n.tk,
                            Tk::LParen | Tk::Word(Word::Kw(Kw::Values | Kw::Select | Kw::Set))
                        )
                    });
                    if prev_into || next_ok {
                        let start = self.stmt_start();
                        self.find(Find::Stacked(Kw::Insert), start, t.end);
                        self.st = St::Loose;
                        true
                    } else {
                        false
                    }
                }
                _ => false,
            },
            St::UpdateName => match t.tk {
                Tk::Word(_) | Tk::QIdent if self.peek_is(Tk::Word(Word::Kw(Kw::Set))) => {
                    let start = self.stmt_start();
                    self.find(Find::Stacked(Kw::Update), start, t.end);
                    self.st = St::Loose;
                    true
                }
                _ => false,
            },
            St::DeleteFrom => match t.tk {
                Tk::Word(Word::Ident)
                    if [&b"quick"[..], b"low_priority", b"ignore", b"top"]
                        .iter()
                        .any(|m| self.word_at(&t).eq_ignore_ascii_case(m)) =>
                {
                    true
                }
                Tk::Word(Word::Kw(Kw::From)) => {
                    self.st = St::ObjectName;
                    self.pending_kw = Some(Kw::Delete);
                    true
                }
                _ => false,
            },
            St::Loose => {
                if t.tk == Tk::Semi {
                    self.st = St::Stmt;
                    self.depth = 0;
                }
                true
            }
            St::TopN => match t.tk {
                Tk::Num | Tk::LParen => {
                    if t.tk == Tk::LParen {
                        self.st = St::SelectHead;
                        return self.open(Frame::Group, t.start);
                    }
                    self.st = St::SelectHead;
                    true
                }
                _ => false,
            },
            St::ExistsParen => {
                if t.tk == Tk::LParen && self.open(Frame::Group, t.start) {
                    self.st = St::Operand;
                    true
                } else {
                    false
                }
            }
            St::ProcedureName => match t.tk {
                Tk::Word(Word::Ident) if self.word_at(&t).eq_ignore_ascii_case(b"analyse") => {
                    let start = self.evidence_start(t.start);
                    self.find(Find::ShapeProbe, start, t.end);
                    self.st = St::Operand;
                    true
                }
                _ => false,
            },
        }
    }

    /// Like `evidence_start`, for a construct that begins at token `idx`:
    /// the closing quote is included when only `)` lie in between.
    fn evidence_start_at(&self, idx: usize, fallback: usize) -> usize {
        let between = self.toks.get(1..idx).unwrap_or_default();
        if self.ctx == Ctx::Quoted
            && between
                .iter()
                .all(|t| matches!(t.tk, Tk::RParen | Tk::Comment(_) | Tk::Filler))
        {
            self.break_end.saturating_sub(1)
        } else {
            fallback
        }
    }

    fn evidence_start(&self, fallback: usize) -> usize {
        if self.ctx == Ctx::Quoted && self.only_break_so_far() {
            self.break_end.saturating_sub(1)
        } else {
            fallback
        }
    }

    fn stmt_start(&self) -> usize {
        // Back to the `;` or the statement keyword.
        let mut j = self.i;
        while j > 0 {
            j -= 1;
            if let Some(t) = self.toks.get(j) {
                if t.tk == Tk::Semi {
                    return self.evidence_start(t.start);
                }
                if let Tk::Word(Word::Kw(
                    Kw::Drop
                    | Kw::Create
                    | Kw::Alter
                    | Kw::Truncate
                    | Kw::Insert
                    | Kw::Update
                    | Kw::Delete
                    | Kw::Exec
                    | Kw::Declare
                    | Kw::Set
                    | Kw::Shutdown,
                )) = t.tk
                {
                    // Keep looking for a `;` just before the keyword.
                    if let Some(prev) = self.toks[..j]
                        .iter()
                        .rev()
                        .find(|x| !matches!(x.tk, Tk::Comment(_)))
                        && prev.tk == Tk::Semi
                    {
                        return self.evidence_start(prev.start);
                    }
                    return self.evidence_start(t.start);
                }
            }
        }
        self.evidence_start(0)
    }

    fn waitfor_start(&self) -> usize {
        self.stmt_start_for(Kw::Waitfor)
    }

    fn stmt_start_for(&self, kw: Kw) -> usize {
        let mut j = self.i;
        while j > 0 {
            j -= 1;
            if self
                .toks
                .get(j)
                .is_some_and(|t| t.tk == Tk::Word(Word::Kw(kw)))
            {
                let s = self.toks[j].start;
                if let Some(prev) = self.toks[..j]
                    .iter()
                    .rev()
                    .find(|x| !matches!(x.tk, Tk::Comment(_)))
                    && prev.tk == Tk::Semi
                {
                    return self.evidence_start(prev.start);
                }
                return self.evidence_start(s);
            }
        }
        self.evidence_start(0)
    }

    /// True when everything before the current token is a bare prefix such as
    /// a number or closing parentheses (`1) ORDER BY 3`), or nothing at all.
    fn toks_before_are_shape_prefix(&self) -> bool {
        let before = &self.toks[..self.i.saturating_sub(1)];
        before.iter().all(|t| {
            matches!(
                t.tk,
                Tk::Num | Tk::RParen | Tk::Comment(_) | Tk::Str { .. } | Tk::Word(Word::Ident)
            ) || (t.tk == Tk::Op(Op::Arith) && self.word_at(t) == b"-")
        }) && before.len() <= 3
    }

    /// No-quote context, first token: a statement, an expression, or the
    /// continuation of an expression the application started.
    fn at_start(&mut self, t: Token) -> bool {
        if let Tk::Word(Word::Kw(k)) = t.tk
            && is_statement_kw(k)
        {
            return self.statement(t, false);
        }
        if self.operand(t) {
            return true;
        }
        self.st = St::After;
        self.frames[0].operands = 1;
        self.after(t)
    }

    /// Start of a statement (after `;`, or at the start of a bare value).
    fn statement(&mut self, t: Token, after_semi: bool) -> bool {
        let Tk::Word(Word::Kw(k)) = t.tk else {
            if after_semi {
                return match t.tk {
                    // `; (select ...)`
                    Tk::LParen => self.operand(t),
                    // `BEGIN DBMS_LOCK.SLEEP(5); END;`: a procedure call.
                    Tk::Word(_)
                        if self.peek_is(Tk::LParen)
                            && matches!(
                                function_class(self.word_at(&t)),
                                Some(FnClass::Delay | FnClass::Danger)
                            ) =>
                    {
                        self.operand(t)
                    }
                    _ => false,
                };
            }
            return false;
        };
        // MSSQL `IF (cond) statement`; `insert(`, `values(` are function calls.
        if self.peek_is(Tk::LParen) && matches!(k, Kw::If | Kw::Insert | Kw::Values) {
            if k == Kw::If {
                self.after_if = true;
                return self.operand(t);
            }
            return if after_semi { false } else { self.operand(t) };
        }
        self.pending_kw = Some(k);
        match k {
            Kw::Select => {
                if after_semi {
                    let start = self.stmt_start_for(Kw::Select);
                    if self.ctx == Ctx::Quoted {
                        self.find(Find::Stacked(Kw::Select), start, t.end);
                    } else {
                        self.sel.started_at = Some(start);
                        self.sel.marked = true;
                    }
                } else {
                    self.sel.started_at = Some(t.start);
                }
                self.cur_mut().clause = Clause::SelectList;
                self.st = St::SelectHead;
                true
            }
            Kw::Insert => {
                self.st = St::InsertHead;
                true
            }
            Kw::Update => {
                self.st = St::UpdateName;
                true
            }
            Kw::Delete => {
                self.st = St::DeleteFrom;
                true
            }
            Kw::Drop | Kw::Create | Kw::Alter | Kw::Truncate => {
                self.st = St::ObjectKind;
                true
            }
            Kw::Exec => {
                self.st = St::ExecTarget;
                true
            }
            Kw::Declare => {
                self.st = St::DeclareVar;
                true
            }
            Kw::Set => {
                self.st = St::SetTarget;
                true
            }
            Kw::Waitfor => {
                self.st = St::Waitfor;
                true
            }
            Kw::Shutdown => {
                let next = self.peek();
                if next.is_none()
                    || next
                        .is_some_and(|n| n.tk == Tk::Semi || n.tk == Tk::Word(Word::Kw(Kw::With)))
                    || self
                        .toks
                        .get(self.i + 1)
                        .is_some_and(|n| matches!(n.tk, Tk::Comment(_)))
                {
                    let start = self.stmt_start();
                    self.find(Find::Stacked(Kw::Shutdown), start, t.end);
                    self.st = St::Loose;
                    true
                } else {
                    false
                }
            }
            Kw::If => {
                self.after_if = true;
                self.st = St::Operand;
                true
            }
            Kw::Begin => {
                // BEGIN [TRY|CATCH|TRAN]
                if let Some(n) = self.peek()
                    && [&b"try"[..], b"catch", b"tran", b"transaction"]
                        .iter()
                        .any(|w| self.word_at(&n).eq_ignore_ascii_case(w))
                {
                    self.i = self.index_of(n);
                }
                self.st = St::Stmt;
                true
            }
            Kw::Use | Kw::Print => {
                // `USE master`, `PRINT 'x'`: MSSQL statements that start a batch.
                let next = self.peek();
                if next.is_some_and(|n| {
                    matches!(n.tk, Tk::Word(Word::Ident) | Tk::QIdent | Tk::Str { .. })
                }) && (after_semi || self.ctx == Ctx::Quoted)
                {
                    self.st = St::Loose;
                    true
                } else {
                    false
                }
            }
            Kw::Load => {
                let next = self.peek();
                if next.is_some_and(|n| {
                    let w = self.word_at(&n);
                    w.eq_ignore_ascii_case(b"data") || w.eq_ignore_ascii_case(b"xml")
                }) {
                    let start = self.stmt_start();
                    self.find(
                        Find::Stacked(Kw::Load),
                        start,
                        next.map_or(t.end, |n| n.end),
                    );
                    self.st = St::Loose;
                    true
                } else {
                    false
                }
            }
            Kw::Grant => {
                // GRANT ... TO: only after a closing quote and `;`.
                if after_semi && self.ctx == Ctx::Quoted {
                    let start = self.stmt_start_for(Kw::Grant);
                    let end = self.peek().map_or(t.end, |n| n.end);
                    self.find(Find::Stacked(Kw::Grant), start, end);
                    self.st = St::Loose;
                    true
                } else {
                    false
                }
            }
            Kw::Backup => {
                // BACKUP DATABASE|LOG name TO ...
                let rest: Vec<Token> = self.toks[self.i + 1..]
                    .iter()
                    .filter(|x| !matches!(x.tk, Tk::Comment(_)))
                    .take(3)
                    .copied()
                    .collect();
                let ok = rest.len() == 3
                    && (rest[0].tk == Tk::Word(Word::Kw(Kw::Object))
                        || self.word_at(&rest[0]).eq_ignore_ascii_case(b"log"))
                    && matches!(rest[1].tk, Tk::Word(_) | Tk::QIdent)
                    && self.word_at(&rest[2]).eq_ignore_ascii_case(b"to");
                if ok {
                    let start = self.stmt_start_for(Kw::Backup);
                    self.find(Find::Stacked(Kw::Backup), start, rest[2].end);
                    self.st = St::Loose;
                }
                ok
            }
            Kw::Copy => {
                // COPY name FROM|TO 'file' / PROGRAM / STDIN
                let rest: Vec<Token> = self.toks[self.i + 1..]
                    .iter()
                    .filter(|x| !matches!(x.tk, Tk::Comment(_)))
                    .take(3)
                    .copied()
                    .collect();
                let ok = rest.len() == 3
                    && matches!(rest[0].tk, Tk::Word(_) | Tk::QIdent)
                    && (rest[1].tk == Tk::Word(Word::Kw(Kw::From))
                        || self.word_at(&rest[1]).eq_ignore_ascii_case(b"to"))
                    && (matches!(rest[2].tk, Tk::Str { .. })
                        || self.word_at(&rest[2]).eq_ignore_ascii_case(b"program")
                        || self.word_at(&rest[2]).eq_ignore_ascii_case(b"stdin"));
                if ok {
                    let start = self.stmt_start_for(Kw::Copy);
                    self.find(Find::Stacked(Kw::Copy), start, rest[2].end);
                    self.st = St::Loose;
                }
                ok
            }
            Kw::Call => {
                // `; CALL proc(...)`
                if after_semi
                    && let Some(n) = self.peek()
                    && matches!(n.tk, Tk::Word(_))
                {
                    let start = self.stmt_start_for(Kw::Call);
                    self.find(Find::Stacked(Kw::Call), start, n.end);
                    self.st = St::Loose;
                    return true;
                }
                false
            }
            Kw::With => false,
            _ => {
                if after_semi {
                    false
                } else {
                    self.operand(t)
                }
            }
        }
    }

    fn exec_target(&mut self, t: Token) -> bool {
        let ok = match t.tk {
            Tk::Var | Tk::LParen => true,
            Tk::Word(Word::Kw(Kw::Immediate)) => true,
            Tk::Word(_) => {
                let w = self.word_at(&t);
                let lw = w.to_ascii_lowercase();
                function_class(w) == Some(FnClass::Danger)
                    || lw == b"master"
                    || lw.starts_with(b"master.")
                    || lw.starts_with(b"dbo.")
                    || lw.starts_with(b"sys.")
                    || lw.contains(&b'.')
                        && lw.rsplit(|&c| c == b'.').next().is_some_and(|last| {
                            last.starts_with(b"xp_") || last.starts_with(b"sp_")
                        })
            }
            _ => false,
        };
        if !ok {
            return false;
        }
        let start = self.stmt_start();
        let find = if matches!(t.tk, Tk::Word(_))
            && function_class(self.word_at(&t)) == Some(FnClass::Danger)
        {
            Find::Danger
        } else {
            Find::Stacked(Kw::Exec)
        };
        self.find(find, start, t.end);
        if t.tk == Tk::LParen {
            self.open(Frame::Group, t.start);
            self.st = St::Operand;
        } else {
            self.st = St::Loose;
        }
        true
    }

    fn select_head(&mut self, t: Token) -> bool {
        match t.tk {
            Tk::Word(Word::Kw(Kw::Distinct | Kw::All)) => true,
            Tk::Word(Word::Kw(Kw::Top)) => {
                self.st = St::TopN;
                true
            }
            Tk::Op(Op::Arith) if self.word_at(&t) == b"*" => {
                self.sel.marked = true;
                self.operand_done(Operand {
                    kind: Opnd::Expr,
                    start: t.start,
                    end: t.end,
                });
                true
            }
            _ => {
                self.st = St::Operand;
                self.operand(t)
            }
        }
    }

    fn table_ref(&mut self, t: Token) -> bool {
        match t.tk {
            Tk::Word(Word::Ident | Word::Kw(Kw::Object)) | Tk::QIdent => {
                let w = self.word_at(&t);
                let bare = w.strip_prefix(b"[").unwrap_or(w);
                let bare = bare.strip_suffix(b"]").unwrap_or(bare);
                let bare = bare.strip_prefix(b"`").unwrap_or(bare);
                let bare = bare.strip_suffix(b"`").unwrap_or(bare);
                if bare.eq_ignore_ascii_case(b"dual") || bare.contains(&b'.') || system_object(bare)
                {
                    self.sel.marked = true;
                }
                self.cur_mut().clause = Clause::From;
                self.operand_done(Operand {
                    kind: Opnd::Ident,
                    start: t.start,
                    end: t.end,
                });
                // A table-valued function: `unnest(...)`.
                if self.peek_is(Tk::LParen) {
                    self.st = St::Operand;
                    return self.operand(t);
                }
                true
            }
            Tk::LParen if self.open(Frame::Group, t.start) => {
                self.st = St::Operand;
                true
            }
            _ => false,
        }
    }

    fn union_next(&mut self, t: Token) -> bool {
        match t.tk {
            Tk::Word(Word::Kw(Kw::All | Kw::Distinct)) => true,
            Tk::Word(Word::Kw(Kw::Select)) | Tk::Word(Word::Ident)
                if t.tk == Tk::Word(Word::Kw(Kw::Select))
                    || self.word_at(&t).get(..6).is_some_and(|w| {
                        w.eq_ignore_ascii_case(b"select")
                            && function_class(self.word_at(&t).get(6..).unwrap_or_default())
                                .is_some()
                    }) =>
            {
                // Find the UNION keyword for the evidence (`SELECTCHAR(88)`
                // glued together still reads as UNION SELECT).
                let union = self.toks[..self.i]
                    .iter()
                    .rposition(|x| x.tk == Tk::Word(Word::Kw(Kw::Union)));
                let start = match union {
                    Some(u) => self.evidence_start_at(u, self.toks[u].start),
                    None => t.start,
                };
                // Show the select list too: `' UNION SELECT 1,2,3--`.
                self.find(Find::UnionSelect, start, self.text.len());
                self.cur_mut().clause = Clause::SelectList;
                self.st = St::SelectHead;
                true
            }
            Tk::LParen if self.open(Frame::Group, t.start) => {
                self.st = St::Operand;
                true
            }
            _ => false,
        }
    }

    fn operand(&mut self, t: Token) -> bool {
        let simple = |kind| Operand {
            kind,
            start: t.start,
            end: t.end,
        };
        match t.tk {
            Tk::Num => {
                self.operand_done(simple(Opnd::Num));
                true
            }
            Tk::Str { .. } => {
                self.operand_done(simple(Opnd::Str));
                true
            }
            Tk::Var => {
                if self.sel.started_at.is_some() {
                    self.sel.marked = true;
                }
                self.operand_done(simple(Opnd::Var));
                true
            }
            Tk::QIdent => {
                self.operand_done(simple(Opnd::Ident));
                true
            }
            Tk::Word(Word::Literal(l)) => {
                let kind = match l {
                    Lit::Bool => Opnd::Bool,
                    Lit::Null => Opnd::Null,
                    Lit::Session => Opnd::Session,
                };
                if self.peek_is(Tk::LParen) {
                    return self.call(t);
                }
                self.operand_done(simple(kind));
                true
            }
            Tk::Word(Word::Ident) => {
                if self.peek_is(Tk::LParen) {
                    return self.call(t);
                }
                let w = self.word_at(&t);
                if self.sel.started_at.is_some() && system_object(w) {
                    self.sel.marked = true;
                }
                self.operand_done(simple(Opnd::Ident));
                true
            }
            Tk::Word(Word::Kw(k)) => match k {
                Kw::If | Kw::Insert | Kw::Values | Kw::Object | Kw::Binary | Kw::Like
                    if self.peek_is(Tk::LParen) =>
                {
                    self.call(t)
                }
                Kw::Union if self.depth > 0 && self.cur().operands == 0 && self.cur().ops == 0 => {
                    // `(UNION ALL SELECT ...)`
                    self.st = St::UnionNext;
                    true
                }
                Kw::Not | Kw::Binary | Kw::Distinct => {
                    if let Some(term) = self.term.as_mut() {
                        term.negated = k == Kw::Not;
                    }
                    true
                }
                Kw::Exists => {
                    self.st = St::ExistsParen;
                    true
                }
                Kw::Case => {
                    if !self.open(Frame::Case, t.start) {
                        return false;
                    }
                    // `CASE WHEN` or `CASE x WHEN`.
                    if let Some(n) = self.peek()
                        && n.tk == Tk::Word(Word::Kw(Kw::When))
                    {
                        self.i = self.index_of(n);
                    }
                    self.st = St::Operand;
                    true
                }
                Kw::Select if self.depth > 0 && self.cur().operands == 0 && self.cur().ops == 0 => {
                    let in_group = self.cur().frame == Frame::Group;
                    if in_group {
                        self.cur_mut().frame = Frame::Subquery;
                        if self.sel.started_at.is_none() {
                            self.sel.started_at = Some(self.cur().start);
                        }
                        let start = self.cur().start;
                        self.cur_mut().clause = Clause::SelectList;
                        self.st = St::SelectHead;
                        // `(SELECT ...)` after a closing quote or inside a condition.
                        let start = self.evidence_start(start);
                        self.find(Find::Subquery, start, t.end);
                        true
                    } else if matches!(self.cur().frame, Frame::Args(_)) {
                        // `select(sleep(5))` style: a subquery inside call parentheses.
                        self.cur_mut().clause = Clause::SelectList;
                        self.st = St::SelectHead;
                        true
                    } else {
                        false
                    }
                }
                _ => false,
            },
            Tk::LParen => {
                if !self.open(Frame::Group, t.start) {
                    return false;
                }
                self.st = St::Operand;
                true
            }
            Tk::RParen
                if self.cur().operands == 0 && matches!(self.cur().frame, Frame::Args(_)) =>
            {
                // Empty argument list: `version()`.
                self.close(t)
            }
            Tk::Op(Op::Arith) => {
                let w = self.word_at(&t);
                if w == b"-" || w == b"+" {
                    true
                } else if w == b"*" && matches!(self.cur().frame, Frame::Args(_)) {
                    self.operand_done(simple(Opnd::Expr));
                    true
                } else {
                    false
                }
            }
            Tk::Op(Op::Unary) => true,
            Tk::LBrace => {
                // ODBC escape `{fn ...}` / MySQL `{identifier expr}`.
                match self.peek() {
                    Some(n) if matches!(n.tk, Tk::Word(_)) => {
                        if !self.open(Frame::Brace, t.start) {
                            return false;
                        }
                        self.i = self.index_of(n);
                        self.st = St::Operand;
                        true
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }

    /// A function call: `name(`.
    fn call(&mut self, t: Token) -> bool {
        let w = self.word_at(&t);
        let class = function_class(w);
        if self.sel.started_at.is_some() {
            self.sel.marked = true;
        }
        let Some(lp) = self.peek() else {
            return false;
        };
        // Evidence for dangerous calls starts at the name.
        let start = self.evidence_start(t.start);
        let end = self.call_end(lp);
        let has_args = self
            .toks
            .get(self.index_of(lp) + 1)
            .is_some_and(|a| a.tk != Tk::RParen);
        let find = match class {
            // Require an argument: `sleep(5)`, not prose like `sleep()`.
            Some(FnClass::Delay) if has_args => Some(Find::Delay),
            Some(FnClass::Danger) => Some(Find::Danger),
            // `user()`, `version()`: these take no argument (`User(foo)` is not one).
            Some(FnClass::Info)
                if self
                    .toks
                    .get(self.index_of(lp) + 1)
                    .is_none_or(|a| matches!(a.tk, Tk::RParen | Tk::Num)) =>
            {
                let nested = self.frames[1..=self.depth]
                    .iter()
                    .any(|f| matches!(f.frame, Frame::Args(_)));
                Some(if nested { Find::NestedInfo } else { Find::Info })
            }
            _ => None,
        };
        // Skip to the `(`.
        self.i = self.index_of(lp);
        if !self.open(Frame::Args(class), t.start) {
            return false;
        }
        if let Some(f) = find
            && self.find(f, start, end)
        {
            // Confirmed once the arguments parse.
            self.pending.push((f, self.depth));
        }
        self.st = St::Operand;
        true
    }

    fn index_of(&self, t: Token) -> usize {
        self.toks[self.i..]
            .iter()
            .position(|x| *x == t)
            .map_or(self.i, |p| p + self.i)
    }

    /// End offset of the call starting at `lp`: the matching `)` or the end.
    fn call_end(&self, lp: Token) -> usize {
        let start = self.index_of(lp);
        let mut depth = 0usize;
        for t in &self.toks[start..] {
            match t.tk {
                Tk::LParen => depth += 1,
                Tk::RParen => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return t.end;
                    }
                }
                _ => {}
            }
        }
        self.toks.last().map_or(lp.end, |t| t.end)
    }

    fn close(&mut self, t: Token) -> bool {
        if self.depth == 0 {
            // Closes a parenthesis opened by the application's query.
            self.frames[0].single = None;
            self.frames[0].alias_ok = false;
            self.st = St::After;
            if self.term.is_some_and(|term| term.depth == 0) {
                // The term ends with the application's parenthesis.
                self.finish_term(true);
            }
            return true;
        }
        let f = self.frames[self.depth];
        if matches!(f.frame, Frame::Case | Frame::Brace) {
            return false;
        }
        // A condition that started inside these parentheses ends here.
        if self.term.is_some_and(|term| term.depth >= self.depth) {
            self.finish_term(true);
        }
        let closing_depth = self.depth;
        self.pending.retain(|(_, d)| *d != closing_depth);
        self.depth -= 1;
        let kind = match f.frame {
            Frame::Args(c) => Opnd::Func(c),
            Frame::Subquery => Opnd::Subquery,
            Frame::Group => match f.single {
                Some(o) if f.operands == 1 && f.ops == 0 => o.kind,
                _ if f.clause == Clause::SelectList => Opnd::Subquery,
                _ => Opnd::Expr,
            },
            _ => Opnd::Expr,
        };
        let o = Operand {
            kind,
            start: f.start,
            end: t.end,
        };
        // A group's content was already seen by the current condition.
        self.operand_done_in(o, f.frame != Frame::Group);
        if f.frame == Frame::Group
            && f.operands == 1
            && f.ops == 0
            && let Some(inner) = f.single
        {
            // `('x')` keeps the value of its content for tautology checks.
            self.cur_mut().single = Some(inner);
        }
        true
    }

    fn after(&mut self, t: Token) -> bool {
        match t.tk {
            Tk::Op(op) => {
                let w = self.word_at(&t);
                match op {
                    Op::Cmp => {
                        let c = match w {
                            b"=" | b"==" | b"<=>" => CmpKind::Eq,
                            b"!=" | b"<>" => CmpKind::Ne,
                            b"<" | b"!>" => CmpKind::Lt,
                            b">" | b"!<" => CmpKind::Gt,
                            b"<=" => CmpKind::Le,
                            b">=" => CmpKind::Ge,
                            _ => CmpKind::Other,
                        };
                        self.on_binary(Some(c), &t);
                        true
                    }
                    Op::Json => {
                        self.on_binary(Some(CmpKind::Other), &t);
                        true
                    }
                    Op::Arith | Op::Assign => {
                        self.splice_check(&t);
                        self.on_binary(None, &t);
                        true
                    }
                    Op::Pipes => {
                        self.splice_check(&t);
                        self.start_term(&t);
                        true
                    }
                    Op::AndAnd => {
                        self.start_term(&t);
                        true
                    }
                    Op::Cast => {
                        self.st = St::CastType;
                        true
                    }
                    Op::Dot => {
                        self.st = St::Name;
                        true
                    }
                    Op::Unary => false,
                }
            }
            Tk::RParen | Tk::RBrack => self.close(t),
            Tk::LBrack => {
                // Subscript or array constructor: `array['a','b']`, `x[1]`.
                if !self.open(Frame::Group, t.start) {
                    return false;
                }
                self.st = St::Operand;
                true
            }
            Tk::Comma => {
                if self.sel.started_at.is_some() && self.cur().clause == Clause::SelectList {
                    self.sel.marked = true;
                }
                let f = self.cur_mut();
                f.single = None;
                f.ops = f.ops.saturating_add(1);
                f.alias_ok = false;
                if let Some(term) = self.term
                    && term.depth == self.depth
                {
                    self.finish_term(true);
                }
                self.st = if self.cur().clause == Clause::From {
                    St::FromItem
                } else {
                    St::Operand
                };
                true
            }
            Tk::Semi => {
                self.finish_term(true);
                self.finish_select(true);
                self.depth = 0;
                self.frames[0] = FrameState::new(Frame::Top, t.start);
                self.st = St::Stmt;
                true
            }
            Tk::Str { .. } => {
                // Adjacent strings concatenate in MySQL: 'a' 'b'.
                let prev_str = self.i > 0
                    && self.toks[..self.i]
                        .iter()
                        .rev()
                        .find(|x| !matches!(x.tk, Tk::Comment(_)))
                        .is_some_and(|x| matches!(x.tk, Tk::Str { .. }));
                if prev_str {
                    true
                } else if self.cur().alias_ok {
                    self.cur_mut().alias_ok = false;
                    true
                } else {
                    false
                }
            }
            Tk::Word(Word::Kw(k)) => self.after_kw(k, t),
            Tk::Word(Word::Ident) | Tk::QIdent if self.cur().alias_ok => {
                self.cur_mut().alias_ok = false;
                true
            }
            Tk::RBrace if self.cur().frame == Frame::Brace => {
                let start = self.cur().start;
                self.depth -= 1;
                self.operand_done(Operand {
                    kind: Opnd::Expr,
                    start,
                    end: t.end,
                });
                true
            }
            _ => false,
        }
    }

    /// `'||f(x)||'` or `'+f(x)+'`: a function spliced into a string.
    fn splice_check(&mut self, t: &Token) {
        if self.ctx != Ctx::Quoted || !self.only_break_so_far() {
            return;
        }
        let w = self.word_at(t);
        if w != b"+" && w != b"||" && w != b"|" {
            return;
        }
        if let Some(n) = self.peek()
            && matches!(n.tk, Tk::Word(Word::Ident | Word::Kw(Kw::If)) | Tk::LParen)
        {
            let after = self.toks[self.i + 1..]
                .iter()
                .filter(|x| !matches!(x.tk, Tk::Comment(_)))
                .nth(1);
            if n.tk == Tk::LParen || after.is_some_and(|a| a.tk == Tk::LParen) {
                let end = self.call_end(n);
                self.find(Find::Splice, self.break_end.saturating_sub(1), end);
            }
        }
    }

    fn after_kw(&mut self, k: Kw, t: Token) -> bool {
        match k {
            Kw::And => {
                if self.cur().between {
                    self.cur_mut().between = false;
                    self.on_binary(None, &t);
                    return true;
                }
                self.start_term(&t);
                true
            }
            Kw::Or => {
                self.start_term(&t);
                true
            }
            Kw::Like | Kw::DivMod | Kw::Escape => {
                let c = if k == Kw::Like {
                    Some(CmpKind::Like)
                } else {
                    None
                };
                self.on_binary(c, &t);
                true
            }
            Kw::Between => {
                self.on_binary(Some(CmpKind::Other), &t);
                self.cur_mut().between = true;
                true
            }
            Kw::In => {
                self.on_binary(Some(CmpKind::Other), &t);
                // IN ( list ) or IN (SELECT ...)
                true
            }
            Kw::Is => {
                self.on_binary(Some(CmpKind::Other), &t);
                self.st = St::IsNext;
                true
            }
            Kw::Not => {
                self.st = St::NotNext;
                true
            }
            Kw::Sounds => {
                self.on_binary(Some(CmpKind::Like), &t);
                self.st = St::SoundsNext;
                true
            }
            Kw::Collate => {
                self.st = St::Name;
                true
            }
            Kw::As => {
                self.st = St::AliasName;
                true
            }
            Kw::AscDesc => true,
            Kw::From => {
                self.finish_term(true);
                if self.sel.started_at.is_some() && self.cur().clause == Clause::SelectList {
                    // `FROM` after a select list.
                }
                self.cur_mut().clause = Clause::From;
                self.st = St::FromItem;
                true
            }
            Kw::Where | Kw::Having | Kw::On => {
                self.finish_term(true);
                if k == Kw::Having && self.ctx == Ctx::Quoted {
                    let start = self.evidence_start(t.start);
                    let end = self.peek().map_or(t.end, |n| n.end);
                    self.find(Find::ShapeProbe, start, end);
                }
                if self.sel.started_at.is_some() && k == Kw::Where {
                    // A WHERE clause with a comparison marks a real query.
                    let rest = &self.toks[self.i..];
                    if rest.iter().any(|x| matches!(x.tk, Tk::Op(Op::Cmp))) {
                        self.sel.marked = true;
                    }
                }
                self.cur_mut().clause = Clause::Expr;
                self.start_term(&t);
                if let Some(term) = self.term.as_mut() {
                    term.weak = true;
                    term.start = t.start;
                }
                true
            }
            Kw::Group | Kw::Order => {
                self.finish_term(true);
                self.cur_mut().clause = Clause::Expr;
                self.st = St::ByNext;
                true
            }
            Kw::Limit | Kw::Offset => {
                self.finish_term(true);
                if self.sel.started_at.is_some() {
                    self.sel.marked = true;
                }
                self.cur_mut().clause = Clause::Expr;
                self.st = St::Operand;
                true
            }
            Kw::Union => {
                self.finish_term(true);
                if self.sel.started_at.is_some() {
                    self.sel.marked = true;
                }
                self.cur_mut().clause = Clause::Expr;
                self.st = St::UnionNext;
                true
            }
            Kw::Into => {
                self.finish_term(true);
                self.st = St::IntoTarget;
                true
            }
            Kw::Procedure => {
                self.finish_term(true);
                self.st = St::ProcedureName;
                true
            }
            Kw::Join => {
                self.cur_mut().clause = Clause::From;
                self.st = St::FromItem;
                true
            }
            Kw::JoinMod => true,
            Kw::Using => self.peek_is(Tk::LParen),
            Kw::When | Kw::Then | Kw::Else => {
                if self.cur().frame == Frame::Case {
                    self.finish_term(true);
                    self.st = St::Operand;
                    true
                } else if k == Kw::Else && self.depth == 0 {
                    // MSSQL `IF (...) stmt ELSE stmt`.
                    self.finish_term(true);
                    self.st = St::Stmt;
                    true
                } else {
                    false
                }
            }
            Kw::End if self.cur().frame == Frame::Case => {
                let start = self.cur().start;
                self.find(Find::CaseExpr, start, t.end);
                self.depth -= 1;
                self.operand_done(Operand {
                    kind: Opnd::Expr,
                    start,
                    end: t.end,
                });
                true
            }
            Kw::For => {
                // FOR UPDATE / FOR XML PATH: accepted loosely.
                self.finish_term(true);
                self.st = St::Loose;
                true
            }
            // MSSQL runs a statement that follows an expression without `;`.
            Kw::Waitfor => {
                self.finish_term(true);
                self.st = St::Waitfor;
                true
            }
            Kw::Exec | Kw::Declare => {
                self.finish_term(true);
                self.statement(t, self.ctx == Ctx::Quoted || self.after_if)
            }
            Kw::Select
            | Kw::Insert
            | Kw::Update
            | Kw::Delete
            | Kw::Drop
            | Kw::Create
            | Kw::Shutdown
            | Kw::Set
                if self.after_if && self.depth == 0 =>
            {
                self.finish_term(true);
                self.after_if = false;
                self.statement(t, true)
            }
            // MSSQL runs a statement that follows an expression without `;`:
            // `21 update t set ...`. Only statements with strict heads.
            Kw::Update | Kw::Insert | Kw::Delete | Kw::Drop | Kw::Create | Kw::Alter
                if self.depth == 0 && self.term.is_none_or(|t| !t.weak) =>
            {
                self.finish_term(true);
                self.statement(t, true)
            }
            // A statement written right after the closing quote (MSSQL runs
            // statements without `;`): `' create user ...`, `' insert into ...`.
            _ if is_statement_kw(k) && self.ctx == Ctx::Quoted && self.only_break_so_far() => {
                self.finish_term(true);
                self.statement(t, true)
            }
            _ => false,
        }
    }
}

fn is_const(k: Opnd) -> bool {
    matches!(k, Opnd::Num | Opnd::Str | Opnd::Bool)
}

/// The number MySQL reads from a string: its leading numeric part, else 0.
fn mysql_number(b: &[u8]) -> f64 {
    let t = b.trim_ascii_start();
    let end = t
        .iter()
        .enumerate()
        .take_while(|(i, c)| {
            c.is_ascii_digit() || **c == b'.' || (*i == 0 && matches!(c, b'-' | b'+'))
        })
        .count();
    t.get(..end)
        .and_then(|n| std::str::from_utf8(n).ok())
        .and_then(|n| n.parse::<f64>().ok())
        .unwrap_or(0.0)
}

fn parse_num(b: &[u8]) -> Option<f64> {
    let s = std::str::from_utf8(b).ok()?.trim();
    if s.is_empty() {
        return None;
    }
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).ok().map(|v| v as f64);
    }
    s.parse::<f64>().ok()
}

fn is_statement_kw(k: Kw) -> bool {
    matches!(
        k,
        Kw::Select
            | Kw::Insert
            | Kw::Update
            | Kw::Delete
            | Kw::Drop
            | Kw::Create
            | Kw::Alter
            | Kw::Truncate
            | Kw::Exec
            | Kw::Declare
            | Kw::Set
            | Kw::Waitfor
            | Kw::Shutdown
            | Kw::If
            | Kw::Begin
            | Kw::Load
            | Kw::Grant
            | Kw::Call
            | Kw::Backup
            | Kw::Copy
    )
}
