#include "extractor/keywords/query.h"

#include <cctype>

namespace kuzet::keywords {

namespace {

struct Lexeme {
  enum class Kind { kEnd, kLeft, kRight, kAnd, kOr, kNot, kNear, kTerm };
  Kind kind = Kind::kEnd;
  std::string text;        // kTerm: the term; otherwise the operator as written
  size_t column = 0;       // 1-based, of the lexeme
  size_t term_column = 0;  // kTerm: of the term text (after an opening quote)
  int distance = 0;
};

size_t ColumnOf(std::string_view text, size_t byte) {
  size_t column = 1;
  for (size_t i = 0; i < byte && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

Status ErrorAt(std::string_view text, size_t byte, const std::string& what) {
  return Status::InvalidArgument("column " + std::to_string(ColumnOf(text, byte)) + ": " + what);
}

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

Result<std::vector<Lexeme>> Lex(std::string_view text) {
  std::vector<Lexeme> out;
  size_t i = 0;
  while (true) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    Lexeme lex;
    lex.column = ColumnOf(text, i);
    if (i == text.size()) {
      out.push_back(lex);
      return out;
    }
    const size_t start = i;
    char c = text[i];
    if (c == '(' || c == ')') {
      lex.kind = c == '(' ? Lexeme::Kind::kLeft : Lexeme::Kind::kRight;
      lex.text = std::string(1, c);
      ++i;
    } else if (c == '"') {
      size_t close = text.find('"', i + 1);
      if (close == std::string_view::npos) return ErrorAt(text, i, "unterminated quoted phrase");
      lex.kind = Lexeme::Kind::kTerm;
      lex.text = std::string(text.substr(i + 1, close - i - 1));
      lex.term_column = ColumnOf(text, i + 1);
      i = close + 1;
    } else if (c == '/') {
      size_t j = i + 1;
      while (j < text.size() && text[j] != '/') j += text[j] == '\\' ? 2 : 1;
      if (j >= text.size())
        return ErrorAt(text, i, "unterminated regular expression (no closing '/')");
      lex.kind = Lexeme::Kind::kTerm;
      lex.text = std::string(text.substr(i, j + 1 - i));
      lex.term_column = lex.column;
      i = j + 1;
    } else {
      size_t j = i;
      while (j < text.size() && !IsSpace(text[j]) && text[j] != '(' && text[j] != ')' &&
             text[j] != '"') {
        ++j;
      }
      std::string_view word = text.substr(i, j - i);
      i = j;
      lex.text = std::string(word);
      if (word == "AND") {
        lex.kind = Lexeme::Kind::kAnd;
      } else if (word == "OR") {
        lex.kind = Lexeme::Kind::kOr;
      } else if (word == "NOT") {
        lex.kind = Lexeme::Kind::kNot;
      } else if (word.starts_with("NEAR")) {
        std::string_view rest = word.substr(4);
        if (rest.size() < 2 || rest[0] != '/') {
          return ErrorAt(text, start, "NEAR needs a distance in words, e.g. NEAR/5");
        }
        int n = 0;
        for (char d : rest.substr(1)) {
          if (!std::isdigit(static_cast<unsigned char>(d)) || n > 10000) {
            return ErrorAt(text, start, "NEAR needs a distance in words, e.g. NEAR/5");
          }
          n = n * 10 + (d - '0');
        }
        lex.kind = Lexeme::Kind::kNear;
        lex.distance = n;
      } else {
        lex.kind = Lexeme::Kind::kTerm;
        lex.term_column = lex.column;
      }
    }
    out.push_back(std::move(lex));
  }
}

class Parser {
 public:
  explicit Parser(std::vector<Lexeme> lexemes) : lexemes_(std::move(lexemes)) {}

  Result<Query> Run() {
    if (Peek().kind == Lexeme::Kind::kEnd) return Error(Peek(), "empty query");
    int root = ParseOr();
    if (!status_.ok()) return status_;
    const Lexeme& next = Peek();
    if (next.kind == Lexeme::Kind::kRight) return Error(next, "unmatched ')'");
    if (next.kind != Lexeme::Kind::kEnd) {
      return Error(next, "expected AND, OR or NEAR/n before \"" + next.text + "\"");
    }
    query_.root = root;
    return std::move(query_);
  }

 private:
  const Lexeme& Peek() const { return lexemes_[pos_]; }
  const Lexeme& Take() { return lexemes_[pos_ < lexemes_.size() - 1 ? pos_++ : pos_]; }
  Status Error(const Lexeme& at, const std::string& what) {
    return Status::InvalidArgument("column " + std::to_string(at.column) + ": " + what);
  }
  void Fail(const Lexeme& at, const std::string& what) {
    if (status_.ok()) status_ = Error(at, what);
  }
  int Add(QueryNode node) {
    query_.nodes.push_back(std::move(node));
    return static_cast<int>(query_.nodes.size()) - 1;
  }

  int ParseBinary(Lexeme::Kind op, QueryNode::Kind kind, int (Parser::*operand)()) {
    int left = (this->*operand)();
    while (status_.ok() && Peek().kind == op) {
      const Lexeme& op_lexeme = Take();
      after_ = op_lexeme.text;
      int right = (this->*operand)();
      if (!status_.ok()) return -1;
      QueryNode node;
      node.kind = kind;
      node.left = left;
      node.right = right;
      node.distance = op_lexeme.distance;
      if (kind == QueryNode::Kind::kNear && (query_.nodes[left].kind == QueryNode::Kind::kNot ||
                                             query_.nodes[right].kind == QueryNode::Kind::kNot)) {
        Fail(op_lexeme, op_lexeme.text + " needs words on both sides, not a NOT expression");
        return -1;
      }
      left = Add(std::move(node));
    }
    return left;
  }
  int ParseOr() { return ParseBinary(Lexeme::Kind::kOr, QueryNode::Kind::kOr, &Parser::ParseAnd); }
  int ParseAnd() {
    return ParseBinary(Lexeme::Kind::kAnd, QueryNode::Kind::kAnd, &Parser::ParseNear);
  }
  int ParseNear() {
    return ParseBinary(Lexeme::Kind::kNear, QueryNode::Kind::kNear, &Parser::ParseUnary);
  }
  int ParseUnary() {
    if (Peek().kind == Lexeme::Kind::kNot) {
      after_ = Take().text;
      int operand = ParseUnary();
      if (!status_.ok()) return -1;
      QueryNode node;
      node.kind = QueryNode::Kind::kNot;
      node.left = operand;
      return Add(std::move(node));
    }
    return ParsePrimary();
  }
  int ParsePrimary() {
    const Lexeme& lex = Peek();
    switch (lex.kind) {
      case Lexeme::Kind::kTerm: {
        Take();
        QueryNode node;
        node.term = lex.text;
        node.column = lex.term_column;
        if (node.term.empty()) {
          Fail(lex, "empty quoted phrase");
          return -1;
        }
        return Add(std::move(node));
      }
      case Lexeme::Kind::kLeft: {
        Take();
        after_ = "'('";
        int inner = ParseOr();
        if (!status_.ok()) return -1;
        if (Peek().kind != Lexeme::Kind::kRight) {
          Fail(Peek(), "expected ')' to close '(' at column " + std::to_string(lex.column));
          return -1;
        }
        Take();
        return inner;
      }
      default:
        Fail(lex, after_.empty() ? "expected a term" : "expected term after " + after_);
        return -1;
    }
  }

  std::vector<Lexeme> lexemes_;
  size_t pos_ = 0;
  std::string after_;  // the operator just read, for "expected term after AND"
  Status status_;
  Query query_;
};

bool HasPositiveTermAt(const Query& q, int node) {
  const QueryNode& n = q.nodes[node];
  switch (n.kind) {
    case QueryNode::Kind::kTerm:
    case QueryNode::Kind::kNear:
      return true;
    case QueryNode::Kind::kNot:
      return false;
    case QueryNode::Kind::kAnd:
    case QueryNode::Kind::kOr:
      return HasPositiveTermAt(q, n.left) || HasPositiveTermAt(q, n.right);
  }
  return false;
}

}  // namespace

Result<Query> ParseQuery(std::string_view text) {
  auto lexemes = Lex(text);
  if (!lexemes.ok()) return lexemes.status();
  Parser parser(std::move(lexemes).value());
  return parser.Run();
}

bool HasPositiveTerm(const Query& query) {
  return query.root >= 0 && HasPositiveTermAt(query, query.root);
}

}  // namespace kuzet::keywords
