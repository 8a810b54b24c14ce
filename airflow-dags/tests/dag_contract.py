#!/usr/bin/env python3
"""Reads the task graph of a DAG file with ast, without importing Airflow, and prints it as JSON.

Usage: dag_contract.py [DAG_FILE]   (default: ../customer_scoring_nightly.py)

Output: {"dag_id": ..., "tasks": [{"task_id", "operator", "upstream": [...], "application_args": [...]}]}
application_args is null for tasks without it (sensors). The DAG file must stay declarative: module
constants of literals, operator calls assigned to names inside ``with DAG(...)``, and ``>>`` chains. A task
may also be built by a helper function of the DAG file whose body is one ``return Operator(...)`` (after an
optional docstring): the call's arguments are bound to the helper's parameters and the operator call is
read with them, as if written out in the DAG block.
Anything else it cannot evaluate is an error naming the line, so the contract test cannot silently
read less than the DAG does. Also fails if the module calls anything at top level outside the DAG
block other than constructors of literals (no work at import time, e.g. no Variable.get).
"""
import ast
import json
import sys
from pathlib import Path

# Calls allowed at module top level (outside task constructors): they build values, do no I/O.
PURE_CALLS = {"dict", "datetime", "timedelta", "list", "tuple"}


class ContractError(Exception):
    pass


class Reader:
    def __init__(self, tree, file_name):
        self.tree = tree
        self.file_name = file_name
        self.constants = {}
        self.functions = {}  # helper name -> ast.FunctionDef
        self.scope = {}  # parameters of the helper being expanded -> values
        self.tasks = {}  # variable name -> task dict
        self.order = []
        self.dag_id = None

    def fail(self, node, message):
        raise ContractError(f"{self.file_name}:{getattr(node, 'lineno', '?')}: {message}")

    def value(self, node):
        """Evaluates literals, names of module constants, *starred lists and pure calls like dict()."""
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, (ast.List, ast.Tuple)):
            result = []
            for element in node.elts:
                if isinstance(element, ast.Starred):
                    result.extend(self.value(element.value))
                else:
                    result.append(self.value(element))
            return result
        if isinstance(node, ast.Dict):
            return {self.value(k): self.value(v) for k, v in zip(node.keys, node.values)}
        if isinstance(node, ast.Name):
            if node.id in self.scope:
                return self.scope[node.id]
            if node.id in self.constants:
                return self.constants[node.id]
            if node.id in self.tasks:
                return self.tasks[node.id]
            self.fail(node, f"name {node.id!r} is not a module constant or task")
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in PURE_CALLS:
            if node.func.id == "dict":
                return {kw.arg: self.value(kw.value) for kw in node.keywords}
            return {"call": node.func.id, "args": [ast.unparse(a) for a in node.args]}
        if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Add)):
            return ast.unparse(node)
        self.fail(node, f"cannot evaluate {ast.unparse(node)!r} statically")

    def read(self):
        for statement in self.tree.body:
            if isinstance(statement, (ast.Import, ast.ImportFrom, ast.ClassDef)):
                continue
            if isinstance(statement, ast.FunctionDef):
                self.functions[statement.name] = statement
                continue
            if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
                continue  # docstring
            if isinstance(statement, ast.Assign) and len(statement.targets) == 1 \
                    and isinstance(statement.targets[0], ast.Name):
                self.constants[statement.targets[0].id] = self.value(statement.value)
                continue
            if isinstance(statement, ast.With):
                self.read_dag(statement)
                continue
            self.fail(statement, f"top-level statement not allowed in a DAG file: {ast.unparse(statement)[:80]}")
        if self.dag_id is None:
            raise ContractError(f"{self.file_name}: no 'with DAG(...)' block")
        return {"dag_id": self.dag_id, "tasks": [self.tasks[name] for name in self.order]}

    def read_dag(self, block):
        context = block.items[0].context_expr
        if not (isinstance(context, ast.Call) and getattr(context.func, "id", None) == "DAG"):
            self.fail(block, "expected 'with DAG(...)'")
        for kw in context.keywords:
            if kw.arg == "dag_id":
                self.dag_id = self.value(kw.value)
        for statement in block.body:
            if isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call):
                self.read_task(statement.targets[0].id, statement.value)
            elif isinstance(statement, ast.Expr) and isinstance(statement.value, ast.BinOp):
                self.read_chain(statement.value)
            else:
                self.fail(statement, f"statement not understood in the DAG block: {ast.unparse(statement)[:80]}")

    def read_task(self, name, call):
        if isinstance(call.func, ast.Name) and call.func.id in self.functions:
            call, self.scope = self.expand(call)
        try:
            kwargs = {}
            for kw in call.keywords:
                if kw.arg is None:  # **SPARK
                    kwargs.update(self.value(kw.value))
                else:
                    kwargs[kw.arg] = self.value(kw.value)
        finally:
            self.scope = {}
        if "task_id" not in kwargs:
            self.fail(call, f"task {name} has no task_id")
        args = kwargs.get("application_args")
        if args is not None and not all(isinstance(a, str) for a in args):
            self.fail(call, f"application_args of {kwargs['task_id']} are not all strings")
        self.tasks[name] = {
            "task_id": kwargs["task_id"],
            "operator": ast.unparse(call.func),
            "upstream": [],
            "application_args": args,
            "java_class": kwargs.get("java_class"),
            "application": kwargs.get("application"),
        }
        self.order.append(name)

    def expand(self, call):
        """For a call of a helper of the DAG file: its ``return Operator(...)`` call and its parameters bound
        to the call's arguments (defaults included). Anything but plain parameters is an error."""
        function = self.functions[call.func.id]
        body = function.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            body = body[1:]  # docstring
        if len(body) != 1 or not isinstance(body[0], ast.Return) or not isinstance(body[0].value, ast.Call):
            self.fail(function, f"helper {function.name} must consist of one 'return Operator(...)'")
        params = function.args
        if params.posonlyargs or params.vararg or params.kwonlyargs or params.kwarg:
            self.fail(function, f"helper {function.name} may only have plain parameters")
        names = [a.arg for a in params.args]
        bound = {}
        for param, default in zip(names[len(names) - len(params.defaults):], params.defaults):
            bound[param] = self.value(default)
        if len(call.args) > len(names):
            self.fail(call, f"too many arguments for {function.name}")
        for param, arg in zip(names, call.args):
            bound[param] = self.value(arg)
        for kw in call.keywords:
            if kw.arg not in names:
                self.fail(call, f"{function.name} has no parameter {kw.arg!r}")
            bound[kw.arg] = self.value(kw.value)
        missing = [param for param in names if param not in bound]
        if missing:
            self.fail(call, f"{function.name} called without {missing}")
        return body[0].value, bound

    def operands(self, node):
        if isinstance(node, ast.Name):
            if node.id not in self.tasks:
                self.fail(node, f"{node.id} is not a task")
            return [self.tasks[node.id]]
        if isinstance(node, (ast.List, ast.Tuple)):
            return [t for element in node.elts for t in self.operands(element)]
        self.fail(node, f"cannot read dependency operand {ast.unparse(node)!r}")

    def read_chain(self, node):
        """a >> b >> c parses as (a >> b) >> c; returns the right-most operand set of the chain."""
        if not isinstance(node, ast.BinOp):
            return self.operands(node)
        if not isinstance(node.op, (ast.RShift, ast.LShift)):
            self.fail(node, "only >> and << dependencies are understood")
        left = self.read_chain(node.left)
        right = self.operands(node.right)
        upstream, downstream = (left, right) if isinstance(node.op, ast.RShift) else (right, left)
        for task in downstream:
            for up in upstream:
                if up["task_id"] not in task["upstream"]:
                    task["upstream"].append(up["task_id"])
        return right


def main(argv):
    default = Path(__file__).resolve().parent.parent / "customer_scoring_nightly.py"
    path = Path(argv[1]) if len(argv) > 1 else default
    try:
        contract = Reader(ast.parse(path.read_text(encoding="utf-8"), str(path)), path.name).read()
    except ContractError as error:
        print(f"dag_contract: {error}", file=sys.stderr)
        return 1
    for task in contract["tasks"]:
        task["upstream"].sort()
    json.dump(contract, sys.stdout, indent=2)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
