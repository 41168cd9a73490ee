/*
 * grammar.y: the GSQL grammar, for the lemon parser generator.
 *
 * A script is zero or more statements separated by ';' (empty statements
 * are allowed, the last ';' is optional).  A statement is an optional
 * DEFINE { } and/or PARAM { } block followed by a SELECT or a MERGE.  The
 * actions only build the syntax tree of sql/ast.h, through the sql_p_*
 * builders of parse.c, in the arena of the parse context passed as the
 * extra argument; nothing is checked or bound here (that is analyze.c).
 * Every node is arena-owned, so no symbol needs a %destructor and an
 * abandoned parse leaks nothing.  The driver (parse.c) stops at the first
 * error: syntax errors, a parser stack overflow and builder failures all
 * land in the context's struct sql_error.
 *
 * Operator precedence, lowest first: OR; AND; NOT; comparisons and IN;
 * |; &; << >>; + -; * / %; unary - ~ !.
 */

%include {
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "parse_int.h"
}

%name sql_lemon
%token_prefix SQL_T_
%token_type {struct sql_token}
%extra_argument {struct sql_pctx *pc}
%stack_size 4000
%start_symbol script

%syntax_error {
	(void)yymajor;
	(void)yyminor;
	sql_p_syntax_error(pc);
}
%stack_overflow {
	sql_p_stack_overflow(pc);
}
/* Tokens own nothing (their text stays in the input, their values are
 * plain numbers): destroying one does nothing.  Spelling that out also keeps
 * the template's yy_destructor() free of unused-variable warnings. */
%token_destructor {
	(void)pc;
	(void)$$;
}

/* Token codes of the lexer that no rule mentions still need a code. */
%token ILLEGAL.

%left OR.
%left AND.
%right NOT.
%nonassoc EQ NE LT GT LE GE IN.
%left BITOR.
%left BITAND.
%left SHL SHR.
%left PLUS MINUS.
%left STAR SLASH PERCENT.
%right BITNOT BANG.

/* ---- script ------------------------------------------------------------- */

script ::= stmts.
stmts ::= stmt.
stmts ::= stmts SEMI stmt.

stmt ::= .
stmt ::= prelude(P) body(Q).                { sql_p_statement(pc, P, Q); }

%type prelude {struct sql_query *}
prelude(P) ::= .                            { P = NULL; }
prelude(P) ::= defblock(D).                 { P = sql_p_prelude(pc, &D, NULL); }
prelude(P) ::= parblock(A).                 { P = sql_p_prelude(pc, NULL, &A); }
prelude(P) ::= defblock(D) parblock(A).     { P = sql_p_prelude(pc, &D, &A); }
prelude(P) ::= parblock(A) defblock(D).     { P = sql_p_prelude(pc, &D, &A); }

/* DEFINE { name 'value'; ... }: entries end in ';' (optional on the last). */
%type defblock {struct sql_vec}
%type defs {struct sql_vec}
defblock(A) ::= DEFINE(K) LBRACE defs(L) RBRACE.
                                            { A = L; A.pos = K.pos; }
defblock(A) ::= DEFINE(K) LBRACE defs(L) defent(E) RBRACE.
                                            { A = L; A.pos = K.pos;
                                              sql_p_define(pc, &A, &E.name, E.code, &E.value); }
defs(A) ::= .                               { A = (struct sql_vec){0}; }
defs(A) ::= defs(L) defent(E) SEMI.         { A = L; sql_p_define(pc, &A, &E.name, E.code, &E.value); }

%include {
/* One DEFINE entry on its way into the list. */
struct sql_p_defent {
	struct sql_token name;
	struct sql_token value;
	int code;
};
}
%type defent {struct sql_p_defent}
defent(E) ::= NAME(N) STRING(V).            { E.name = N; E.value = V; E.code = SQL_T_STRING; }
defent(E) ::= NAME(N) NAME(V).              { E.name = N; E.value = V; E.code = SQL_T_NAME; }
defent(E) ::= NAME(N) INTEGER(V).           { E.name = N; E.value = V; E.code = SQL_T_INTEGER; }

/* PARAM { pname type; ... } */
%type parblock {struct sql_vec}
%type pars {struct sql_vec}
parblock(A) ::= PARAM(K) LBRACE pars(L) RBRACE.
                                            { A = L; A.pos = K.pos; }
parblock(A) ::= PARAM(K) LBRACE pars(L) NAME(N) NAME(T) RBRACE.
                                            { A = L; A.pos = K.pos; sql_p_param(pc, &A, &N, &T); }
pars(A) ::= .                               { A = (struct sql_vec){0}; }
pars(A) ::= pars(L) NAME(N) NAME(T) SEMI.   { A = L; sql_p_param(pc, &A, &N, &T); }

/* ---- SELECT ------------------------------------------------------------- */

%type body {struct sql_query *}
body(Q) ::= SELECT(K) sellist(S) join(J) FROM fromlist(F) where(W) groupby(G)
            supergroup(SG) having(H) cleanwhen(CW) cleanby(CB) closing(CL).
                                            { Q = sql_p_select(pc, &K, &S, &J, &F, &W, &G, &SG,
                                                               &H, &CW, &CB, &CL); }

/* Lists are built left to right; a "pre" symbol is the list so far, empty
 * or followed by its ','. */
%type sellist {struct sql_vec}
%type selpre {struct sql_vec}
selpre(A) ::= .                             { A = (struct sql_vec){0}; }
selpre(A) ::= sellist(L) COMMA.             { A = L; }
sellist(A) ::= selpre(L) selexpr(E) alias(N).
                                            { A = L; sql_p_select_item(pc, &A, E, &N); }

%type selexpr {struct sql_expr *}
selexpr(E) ::= expr(X).                     { E = X; }
selexpr(E) ::= STAR(S).                     { E = sql_p_star(pc, NULL, &S); }
selexpr(E) ::= NAME(Q) DOT STAR(S).         { E = sql_p_star(pc, &Q, &S); }

/* An absent alias (or range variable) is a token of length 0. */
%type alias {struct sql_token}
alias(A) ::= .                              { A = (struct sql_token){0}; }
alias(A) ::= AS NAME(N).                    { A = N; }

%type join {struct sql_p_join}
join(J) ::= .                               { J = (struct sql_p_join){0}; }
join(J) ::= INNER_JOIN(K).                  { J = (struct sql_p_join){SQL_JOIN_INNER, K.pos, NULL}; }
join(J) ::= OUTER_JOIN(K).                  { J = (struct sql_p_join){SQL_JOIN_OUTER, K.pos, NULL}; }
join(J) ::= LEFT_OUTER_JOIN(K).             { J = (struct sql_p_join){SQL_JOIN_LEFT, K.pos, NULL}; }
join(J) ::= RIGHT_OUTER_JOIN(K).            { J = (struct sql_p_join){SQL_JOIN_RIGHT, K.pos, NULL}; }
join(J) ::= FILTER_JOIN(K) LP expr(F) COMMA expr(S) RP(R).
                                            { J = (struct sql_p_join){SQL_JOIN_FILTER, K.pos,
                                                  sql_p_filter_join(pc, &K, F, S, &R)}; }

/* FROM [iface.]name [var], ... */
%type fromlist {struct sql_vec}
%type frompre {struct sql_vec}
frompre(A) ::= .                            { A = (struct sql_vec){0}; }
frompre(A) ::= fromlist(L) COMMA.           { A = L; }
fromlist(A) ::= frompre(L) NAME(N) var(V).  { A = L; sql_p_from_item(pc, &A, NULL, &N, &V); }
fromlist(A) ::= frompre(L) NAME(I) DOT NAME(N) var(V).
                                            { A = L; sql_p_from_item(pc, &A, &I, &N, &V); }
%type var {struct sql_token}
var(A) ::= .                                { A = (struct sql_token){0}; }
var(A) ::= NAME(N).                         { A = N; }

%type where {struct sql_p_clause}
where(C) ::= .                              { C = (struct sql_p_clause){0}; }
where(C) ::= WHERE(K) expr(E).              { C = (struct sql_p_clause){E, K.pos}; }

/* GROUP BY name | expr AS name | CUBE(..) | ROLLUP(..) | GROUPING_SETS((..), ..) */
%type groupby {struct sql_vec}
%type gblist {struct sql_vec}
%type gbpre {struct sql_vec}
groupby(A) ::= .                            { A = (struct sql_vec){0}; }
groupby(A) ::= GROUP(K) BY gblist(L).       { A = L; A.pos = K.pos; }
gbpre(A) ::= .                              { A = (struct sql_vec){0}; }
gbpre(A) ::= gblist(L) COMMA.               { A = L; }
gblist(A) ::= gbpre(L) expr(E) alias(N).    { A = L; sql_p_group_expr(pc, &A, E, &N); }
gblist(A) ::= gbpre(L) CUBE(K) LP exprlist(X) RP(R).
                                            { A = L; sql_p_group_list(pc, &A, SQL_GB_CUBE, &K, &X, &R); }
gblist(A) ::= gbpre(L) ROLLUP(K) LP exprlist(X) RP(R).
                                            { A = L; sql_p_group_list(pc, &A, SQL_GB_ROLLUP, &K, &X, &R); }
gblist(A) ::= gbpre(L) GROUPING_SETS(K) LP gsets(X) RP(R).
                                            { A = L; sql_p_group_list(pc, &A, SQL_GB_GROUPING_SETS,
                                                                      &K, &X, &R); }
%type gsets {struct sql_vec}
%type gset {struct sql_vec}
gsets(A) ::= gset(S).                       { A = (struct sql_vec){0}; sql_p_grouping_set(pc, &A, &S); }
gsets(A) ::= gsets(L) COMMA gset(S).        { A = L; sql_p_grouping_set(pc, &A, &S); }
gset(A) ::= LP exprlist(X) RP.              { A = X; }
gset(A) ::= LP RP.                          { A = (struct sql_vec){0}; }

%type supergroup {struct sql_vec}
%type names {struct sql_vec}
supergroup(A) ::= .                         { A = (struct sql_vec){0}; }
supergroup(A) ::= SUPERGROUP(K) names(L).   { A = L; A.pos = K.pos; }
names(A) ::= NAME(N).                       { A = (struct sql_vec){0}; sql_p_name(pc, &A, &N); }
names(A) ::= names(L) COMMA NAME(N).        { A = L; sql_p_name(pc, &A, &N); }

%type having {struct sql_p_clause}
having(C) ::= .                             { C = (struct sql_p_clause){0}; }
having(C) ::= HAVING(K) expr(E).            { C = (struct sql_p_clause){E, K.pos}; }
%type cleanwhen {struct sql_p_clause}
cleanwhen(C) ::= .                          { C = (struct sql_p_clause){0}; }
cleanwhen(C) ::= CLEANING_WHEN(K) expr(E).  { C = (struct sql_p_clause){E, K.pos}; }
%type cleanby {struct sql_p_clause}
cleanby(C) ::= .                            { C = (struct sql_p_clause){0}; }
cleanby(C) ::= CLEANING_BY(K) expr(E).      { C = (struct sql_p_clause){E, K.pos}; }
%type closing {struct sql_p_clause}
closing(C) ::= .                            { C = (struct sql_p_clause){0}; }
closing(C) ::= CLOSING_WHEN(K) expr(E).     { C = (struct sql_p_clause){E, K.pos}; }

/* ---- MERGE a.f : b.f [SLACK n] FROM s1 a, s2 b -------------------------- */

body(Q) ::= MERGE(K) mergelist(M) slack(S) FROM fromlist(F).
                                            { Q = sql_p_merge(pc, &K, &M, &S, &F); }
%type mergelist {struct sql_vec}
mergelist(A) ::= expr(X) COLON expr(Y).     { A = (struct sql_vec){0};
                                              sql_p_push_expr(pc, &A, X);
                                              sql_p_push_expr(pc, &A, Y); }
mergelist(A) ::= mergelist(L) COLON expr(X).
                                            { A = L; sql_p_push_expr(pc, &A, X); }
%type slack {struct sql_p_clause}
slack(C) ::= .                              { C = (struct sql_p_clause){0}; }
slack(C) ::= SLACK(K) expr(E).              { C = (struct sql_p_clause){E, K.pos}; }

/* ---- expressions -------------------------------------------------------- */

%type expr {struct sql_expr *}
%type exprlist {struct sql_vec}

expr(A) ::= expr(X) OR expr(Y).             { A = sql_p_binary(pc, SQL_OP_OR, X, Y); }
expr(A) ::= expr(X) AND expr(Y).            { A = sql_p_binary(pc, SQL_OP_AND, X, Y); }
expr(A) ::= NOT(K) expr(X).                 { A = sql_p_unary(pc, '!', &K, X); }
expr(A) ::= expr(X) EQ expr(Y).             { A = sql_p_binary(pc, SQL_OP_EQ, X, Y); }
expr(A) ::= expr(X) NE expr(Y).             { A = sql_p_binary(pc, SQL_OP_NE, X, Y); }
expr(A) ::= expr(X) LT expr(Y).             { A = sql_p_binary(pc, SQL_OP_LT, X, Y); }
expr(A) ::= expr(X) GT expr(Y).             { A = sql_p_binary(pc, SQL_OP_GT, X, Y); }
expr(A) ::= expr(X) LE expr(Y).             { A = sql_p_binary(pc, SQL_OP_LE, X, Y); }
expr(A) ::= expr(X) GE expr(Y).             { A = sql_p_binary(pc, SQL_OP_GE, X, Y); }
expr(A) ::= expr(X) IN LB exprlist(L) RB(R).
                                            { A = sql_p_in(pc, X, &L, &R); }
expr(A) ::= expr(X) BITOR expr(Y).          { A = sql_p_binary(pc, SQL_OP_BOR, X, Y); }
expr(A) ::= expr(X) BITAND expr(Y).         { A = sql_p_binary(pc, SQL_OP_BAND, X, Y); }
expr(A) ::= expr(X) SHL expr(Y).            { A = sql_p_binary(pc, SQL_OP_SHL, X, Y); }
expr(A) ::= expr(X) SHR expr(Y).            { A = sql_p_binary(pc, SQL_OP_SHR, X, Y); }
expr(A) ::= expr(X) PLUS expr(Y).           { A = sql_p_binary(pc, SQL_OP_ADD, X, Y); }
expr(A) ::= expr(X) MINUS expr(Y).          { A = sql_p_binary(pc, SQL_OP_SUB, X, Y); }
expr(A) ::= expr(X) STAR expr(Y).           { A = sql_p_binary(pc, SQL_OP_MUL, X, Y); }
expr(A) ::= expr(X) SLASH expr(Y).          { A = sql_p_binary(pc, SQL_OP_DIV, X, Y); }
expr(A) ::= expr(X) PERCENT expr(Y).        { A = sql_p_binary(pc, SQL_OP_MOD, X, Y); }
expr(A) ::= MINUS(K) expr(X). [BITNOT]      { A = sql_p_unary(pc, '-', &K, X); }
expr(A) ::= BITNOT(K) expr(X).              { A = sql_p_unary(pc, '~', &K, X); }
expr(A) ::= BANG(K) expr(X).                { A = sql_p_unary(pc, '!', &K, X); }

expr(A) ::= LP(L) expr(X) RP(R).            { A = sql_p_paren(pc, &L, X, &R); }
expr(A) ::= INTEGER(T).                     { A = sql_p_literal(pc, SQL_T_INTEGER, &T); }
expr(A) ::= FLOAT(T).                       { A = sql_p_literal(pc, SQL_T_FLOAT, &T); }
expr(A) ::= STRING(T).                      { A = sql_p_literal(pc, SQL_T_STRING, &T); }
expr(A) ::= TRUE(T).                        { A = sql_p_literal(pc, SQL_T_TRUE, &T); }
expr(A) ::= FALSE(T).                       { A = sql_p_literal(pc, SQL_T_FALSE, &T); }
expr(A) ::= IP(T).                          { A = sql_p_literal(pc, SQL_T_IP, &T); }
expr(A) ::= IP6(T).                         { A = sql_p_literal(pc, SQL_T_IP6, &T); }
expr(A) ::= HEX(T).                         { A = sql_p_literal(pc, SQL_T_HEX, &T); }
expr(A) ::= PARAMREF(T).                    { A = sql_p_literal(pc, SQL_T_PARAMREF, &T); }
expr(A) ::= DEFREF(T).                      { A = sql_p_literal(pc, SQL_T_DEFREF, &T); }
expr(A) ::= NAME(N).                        { A = sql_p_column(pc, NULL, &N); }
expr(A) ::= NAME(Q) DOT NAME(N).            { A = sql_p_column(pc, &Q, &N); }

/* name(args), name(*), name(), name$(..) (super-aggregate), name[..] */
expr(A) ::= NAME(N) LP exprlist(L) RP(R).   { A = sql_p_call(pc, SQL_E_CALL, &N, false, &L, NULL, &R); }
expr(A) ::= NAME(N) LP STAR(S) RP(R).       { A = sql_p_call(pc, SQL_E_CALL, &N, false, NULL, &S, &R); }
expr(A) ::= NAME(N) LP RP(R).               { A = sql_p_call(pc, SQL_E_CALL, &N, false, NULL, NULL, &R); }
expr(A) ::= NAME(N) DOLLAR LP exprlist(L) RP(R).
                                            { A = sql_p_call(pc, SQL_E_CALL, &N, true, &L, NULL, &R); }
expr(A) ::= NAME(N) DOLLAR LP STAR(S) RP(R).
                                            { A = sql_p_call(pc, SQL_E_CALL, &N, true, NULL, &S, &R); }
expr(A) ::= NAME(N) DOLLAR LP RP(R).        { A = sql_p_call(pc, SQL_E_CALL, &N, true, NULL, NULL, &R); }
expr(A) ::= NAME(N) LB exprlist(L) RB(R).   { A = sql_p_call(pc, SQL_E_PRED, &N, false, &L, NULL, &R); }
expr(A) ::= NAME(N) LB RB(R).               { A = sql_p_call(pc, SQL_E_PRED, &N, false, NULL, NULL, &R); }

exprlist(A) ::= expr(X).                    { A = (struct sql_vec){0}; sql_p_push_expr(pc, &A, X); }
exprlist(A) ::= exprlist(L) COMMA expr(X).  { A = L; sql_p_push_expr(pc, &A, X); }
