//===- FormKernels.cpp - fuse linalg ops into kernels by a cost rule ------===//
//
// Target-independent kernel formation on linalg-on-tensors. Every decision is
// the same trade: fusing saves the bytes of an intermediate tensor (written
// by the producer, read again by the consumer) and may cost recomputation of
// the producer (when the consumer iterates over more points than the
// producer has elements). One scalar op per point is taken to cost about as
// much as moving one byte, so a fusion is made when
//
//   extra ops (producer ops per element x extra points) <= bytes saved.
//
// The mechanics are upstream's: elementwise fusion (with the rule as its
// control function), reshape folding, and the accumulate-into-init rewrite
// of contraction epilogues below.
//
//===----------------------------------------------------------------------===//

#include "tcc/Transforms/Passes.h"

#include "tcc/Transforms/KernelStats.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tensor/Transforms/Transforms.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::tcc {
#define GEN_PASS_DEF_FORMKERNELSPASS
#include "tcc/Transforms/Passes.h.inc"
} // namespace mlir::tcc

using namespace mlir;
using namespace mlir::tcc;

//===----------------------------------------------------------------------===//
// The cost rule
//===----------------------------------------------------------------------===//

namespace {

/// Cost of one scalar op of a payload, in "simple op" units: division and
/// square roots are several times slower than an add, transcendental
/// functions (exp, log, tanh, erf, pow, ...) become polynomial expansions or
/// libm calls.
int64_t scalarOpCost(Operation &op) {
  if (isa<arith::ConstantOp, linalg::IndexOp, linalg::YieldOp>(op))
    return 0;
  if (isa<arith::DivFOp, arith::DivSIOp, arith::DivUIOp, arith::RemFOp,
          arith::RemSIOp, arith::RemUIOp, math::SqrtOp, math::RsqrtOp>(op))
    return 4;
  if (isa<math::AbsFOp, math::AbsIOp, math::FmaOp, math::FloorOp,
          math::CeilOp, math::CopySignOp, math::RoundOp, math::TruncOp>(op))
    return 1;
  if (isa<math::MathDialect>(op.getDialect()))
    return 16;
  return 1;
}

int64_t opsPerPoint(linalg::GenericOp op) {
  int64_t ops = 0;
  op.getRegion().walk([&](Operation *inner) { ops += scalarOpCost(*inner); });
  return ops;
}

/// Points of the iteration space, or -1 when a loop range is dynamic.
int64_t iterationPoints(linalg::LinalgOp op) {
  int64_t points = 1;
  for (int64_t size : op.getStaticLoopRanges()) {
    if (ShapedType::isDynamic(size))
      return -1;
    points *= size;
  }
  return points;
}

bool isContractionLike(Operation *op) {
  auto linalgOp = dyn_cast<linalg::LinalgOp>(op);
  return linalgOp && (linalg::isaContractionOpInterface(linalgOp) ||
                      linalg::isaConvolutionOpInterface(linalgOp));
}

/// True if every use of `producer`'s results outside `consumer` comes after
/// `consumer` in its block: fusion creates the kernel at the consumer and
/// hands the producer's still-used results on from there.
bool otherUsersFollow(Operation *producer, Operation *consumer) {
  for (Operation *user : producer->getUsers()) {
    if (user == consumer)
      continue;
    Operation *ancestor = consumer->getBlock()->findAncestorOpInBlock(*user);
    if (!ancestor || !consumer->isBeforeInBlock(ancestor))
      return false;
  }
  return true;
}

/// Producer and consumer generics of `use` with static iteration spaces,
/// the consumer not a contraction: contractions keep their multiply-add
/// body (a producer fused into one would run once per step of the K loop,
/// and the tiler would no longer recognize the contraction).
struct FusionCandidate {
  linalg::GenericOp producer, consumer;
  int64_t producerPoints, consumerPoints;
  /// Whether ops other than the consumer read the producer's results.
  bool otherUsers;
};

std::optional<FusionCandidate> candidate(OpOperand *use) {
  auto producer = use->get().getDefiningOp<linalg::GenericOp>();
  auto consumer = dyn_cast<linalg::GenericOp>(use->getOwner());
  if (!producer || !consumer || isContractionLike(consumer))
    return std::nullopt;
  FusionCandidate c{producer, consumer, iterationPoints(producer),
                    iterationPoints(consumer), false};
  if (c.producerPoints < 0 || c.consumerPoints < 0)
    return std::nullopt;
  for (Operation *user : producer->getUsers())
    c.otherUsers |= user != consumer.getOperation();
  return c;
}

/// A producer whose results are also read elsewhere can be computed once, in
/// the consumer's kernel, which then writes those results too, when that
/// kernel visits exactly the producer's points (a permutation of them: no
/// broadcast) and precedes the other readers. Nothing is recomputed and the
/// consumer's read of the intermediate is saved (FuseIntoMultiResultKernel).
/// A reduction consumer writes the producer's results in its own loop order,
/// reduction loops inside parallel ones, not in memory order: there the
/// fusion must also save the intermediate's write (only the consumer reads
/// it, other readers read other results, as for the two results of a
/// normalization's backward), as saving one read does not pay for the
/// scattered writes (BatchNorm backward: 0.60 -> 0.75 ms for a 6.4 MB
/// tensor read by a bias-gradient sum and a transpose).
bool isMultiResultFusion(OpOperand *use, FusionCandidate c) {
  if (c.consumer.getNumReductionLoops() > 0 && !use->get().hasOneUse())
    return false;
  return c.otherUsers && c.consumerPoints == c.producerPoints &&
         c.consumer.getMatchingIndexingMap(use).isPermutation() &&
         otherUsersFollow(c.producer, c.consumer);
}

/// The rule for upstream's elementwise fusion, which computes the producer's
/// payload at each of the consumer's points. When the consumer is the only
/// reader, the producer disappears: saved are the consumer's read of `r` and
/// the writes of the producer's results; the extra work is the payload at
/// the points the consumer has beyond the producer's. Otherwise the producer
/// stays for its other readers: saved is the consumer's read of `r` less its
/// new reads of the producer's inputs, the extra work the payload at all of
/// the consumer's points.
bool shouldFuse(OpOperand *use) {
  std::optional<FusionCandidate> c = candidate(use);
  if (!c || isMultiResultFusion(use, *c))
    return false;
  int64_t ops = opsPerPoint(c->producer);
  int64_t saved = tensorBytes(use->get().getType());
  int64_t extraOps;
  if (!c->otherUsers) {
    for (Value result : c->producer->getResults())
      saved += tensorBytes(result.getType());
    extraOps = ops * std::max<int64_t>(c->consumerPoints - c->producerPoints, 0);
  } else {
    for (OpOperand *in : c->producer.getDpsInputOperands())
      saved -= tensorBytes(in->get().getType());
    extraOps = ops * c->consumerPoints;
  }
  return saved > 0 && extraOps <= saved;
}

/// Fuses a producer whose results are read elsewhere into a consumer that
/// visits exactly its points (isMultiResultFusion): one kernel computes both
/// and writes the producer's results for their other readers. (Upstream's
/// pattern would leave the producer in place for them and recompute it.)
struct FuseIntoMultiResultKernel : OpRewritePattern<linalg::GenericOp> {
  FuseIntoMultiResultKernel(MLIRContext *ctx)
      : OpRewritePattern(ctx, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    for (OpOperand &use : consumer->getOpOperands()) {
      if (!linalg::areElementwiseOpsFusable(&use))
        continue;
      std::optional<FusionCandidate> c = candidate(&use);
      if (!c || !isMultiResultFusion(&use, *c))
        continue;
      linalg::GenericOp producer = c->producer;
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, &use);
      if (failed(fused))
        return failure();
      // Consumer results first: then the producer's remaining readers are
      // the ones after the consumer, where the fused kernel dominates them.
      for (Value result : consumer->getResults())
        rewriter.replaceAllUsesWith(result, fused->replacements.at(result));
      rewriter.eraseOp(consumer);
      // The fused kernel itself may still read other producer results (the
      // consumer read several): those reads stay, and the producer fuses
      // into it again as their only reader.
      Operation *kernel = fused->fusedOp;
      for (Value result : producer->getResults())
        if (auto it = fused->replacements.find(result);
            it != fused->replacements.end())
          rewriter.replaceUsesWithIf(result, it->second, [&](OpOperand &u) {
            return u.getOwner() != kernel;
          });
      if (producer->use_empty())
        rewriter.eraseOp(producer);
      return success();
    }
    return failure();
  }
};

/// Reshapes fold into generic (non-contraction) ops with a single use, as in
/// upstream's default: expanding a kernel's loops never duplicates work.
bool shouldFoldReshape(OpOperand *use) {
  Operation *producer = use->get().getDefiningOp();
  if (!producer || !producer->hasOneUse())
    return false;
  Operation *linalgOp = isa<linalg::LinalgOp>(use->getOwner())
                            ? use->getOwner()
                            : producer;
  return isa<linalg::GenericOp>(linalgOp) && !isContractionLike(linalgOp);
}

//===----------------------------------------------------------------------===//
// A cheap producer with several consumers: one copy per consumer
//===----------------------------------------------------------------------===//

/// Fusing a multi-use producer into one consumer leaves it in place for the
/// others, which still read its result. When every consumer can absorb the
/// producer, the rule is applied to all of them at once:
/// copies save the intermediate's write and every read of it, but each
/// consumer reads the producer's inputs and recomputes its payload:
///
///   saved = |r| * (1 + consumers) - |inputs| * (consumers - 1)
///   extra = ops per point * (sum of the consumers' points - the producer's)
///
/// and the producer is duplicated, one copy per consumer, when extra <= saved
/// (each copy then fuses as a single-use producer).
struct DuplicateCheapProducer : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1 || !op.hasPureTensorSemantics() ||
        op.getNumReductionLoops() > 0)
      return failure();
    Value result = op->getResult(0);
    SmallVector<Operation *> consumers;
    for (Operation *user : result.getUsers())
      if (!llvm::is_contained(consumers, user))
        consumers.push_back(user);
    if (consumers.size() < 2)
      return failure();
    for (OpOperand &use : result.getUses())
      if (!linalg::areElementwiseOpsFusable(&use) || !consumerOk(use))
        return failure();
    // consumerOk checked that all iteration spaces are static.
    int64_t points = iterationPoints(op), consumerPoints = 0;
    for (Operation *c : consumers)
      consumerPoints += iterationPoints(cast<linalg::LinalgOp>(c));
    int64_t inputBytes = 0;
    for (OpOperand *in : op.getDpsInputOperands())
      inputBytes += tensorBytes(in->get().getType());
    int64_t n = consumers.size();
    int64_t r = tensorBytes(result.getType());
    int64_t saved = r * (1 + n) - inputBytes * (n - 1);
    int64_t extra = opsPerPoint(op) * (consumerPoints - points);
    if (extra > saved)
      return failure();

    rewriter.setInsertionPointAfter(op);
    for (Operation *consumer : llvm::drop_begin(consumers)) {
      Operation *copy = rewriter.clone(*op);
      rewriter.modifyOpInPlace(consumer, [&] {
        for (OpOperand &operand : consumer->getOpOperands())
          if (operand.get() == result)
            operand.set(copy->getResult(0));
      });
    }
    return success();
  }

private:
  /// The single-consumer rule holds for each copy on its own.
  static bool consumerOk(OpOperand &use) {
    auto consumer = cast<linalg::GenericOp>(use.getOwner());
    if (isContractionLike(consumer))
      return false;
    auto producer = use.get().getDefiningOp<linalg::GenericOp>();
    int64_t p = iterationPoints(producer), c = iterationPoints(consumer);
    if (p < 0 || c < 0)
      return false;
    int64_t extra = opsPerPoint(producer) * std::max<int64_t>(c - p, 0);
    return extra <= 2 * tensorBytes(use.get().getType());
  }
};

//===----------------------------------------------------------------------===//
// Sibling reductions: one kernel per shared input
//===----------------------------------------------------------------------===//

/// Reductions over the same iteration space that read a common input (with
/// the same indexing map) become one kernel with the results of both, as
/// the sums of a normalization's backward, sum(dy) and sum(dy * xhat): the
/// shared input is read once, and nothing is recomputed, so the rule always
/// holds. The later reduction must not depend on the earlier one (all its
/// operands are defined before it), so the merged kernel takes the earlier
/// one's place.
struct MergeSiblingReductions : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (!isReduction(op))
      return failure();
    for (OpOperand *in : op.getDpsInputOperands()) {
      for (OpOperand &use : in->get().getUses()) {
        auto other = dyn_cast<linalg::GenericOp>(use.getOwner());
        if (!other || other == op || other->getBlock() != op->getBlock() ||
            !isReduction(other) || !other.isDpsInput(&use) ||
            other.getMatchingIndexingMap(&use) !=
                op.getMatchingIndexingMap(in) ||
            other.getIteratorTypesArray() != op.getIteratorTypesArray() ||
            other.getStaticLoopRanges() != op.getStaticLoopRanges())
          continue;
        linalg::GenericOp first = op, second = other;
        if (other->isBeforeInBlock(op))
          std::swap(first, second);
        if (!llvm::all_of(second->getOperands(),
                          [&](Value v) { return definedBefore(v, first); }))
          continue;
        merge(first, second, rewriter);
        return success();
      }
    }
    return failure();
  }

private:
  static bool isReduction(linalg::GenericOp op) {
    return op.hasPureTensorSemantics() && op.getNumReductionLoops() > 0 &&
           !isContractionLike(op) && iterationPoints(op) >= 0;
  }

  /// `v` is available at `op` (in `op`'s block before it, or outside).
  static bool definedBefore(Value v, Operation *op) {
    Operation *def = v.getDefiningOp();
    if (!def)
      return true;
    Operation *ancestor = op->getBlock()->findAncestorOpInBlock(*def);
    return !ancestor || ancestor->isBeforeInBlock(op);
  }

  static void merge(linalg::GenericOp first, linalg::GenericOp second,
                    PatternRewriter &rewriter) {
    // Inputs of both, those of `second` that `first` reads the same way
    // only once; then the inits of both.
    SmallVector<Value> inputs, inits;
    SmallVector<AffineMap> maps;
    SmallVector<int64_t> secondInput;
    for (OpOperand *in : first.getDpsInputOperands()) {
      inputs.push_back(in->get());
      maps.push_back(first.getMatchingIndexingMap(in));
    }
    for (OpOperand *in : second.getDpsInputOperands()) {
      AffineMap map = second.getMatchingIndexingMap(in);
      int64_t index = -1;
      for (auto [i, v] : llvm::enumerate(inputs))
        if (v == in->get() && maps[i] == map)
          index = i;
      if (index < 0) {
        index = inputs.size();
        inputs.push_back(in->get());
        maps.push_back(map);
      }
      secondInput.push_back(index);
    }
    for (linalg::GenericOp op : {first, second})
      for (OpOperand &init : op.getDpsInitsMutable()) {
        inits.push_back(init.get());
        maps.push_back(op.getMatchingIndexingMap(&init));
      }
    SmallVector<Type> types(first->getResultTypes());
    llvm::append_range(types, second->getResultTypes());

    rewriter.setInsertionPoint(first);
    auto merged = linalg::GenericOp::create(
        rewriter, first.getLoc(), types, inputs, inits, maps,
        first.getIteratorTypesArray(),
        [&](OpBuilder &b, Location, ValueRange args) {
          ValueRange outArgs = args.drop_front(inputs.size());
          SmallVector<Value> yielded;
          auto clone = [&](linalg::GenericOp op, ArrayRef<Value> ins,
                           ValueRange outs) {
            Block &body = op.getRegion().front();
            IRMapping mapping;
            for (auto [arg, v] : llvm::zip(
                     body.getArguments().take_front(ins.size()), ins))
              mapping.map(arg, v);
            for (auto [arg, v] :
                 llvm::zip(body.getArguments().drop_front(ins.size()), outs))
              mapping.map(arg, v);
            for (Operation &inner : body.without_terminator())
              b.clone(inner, mapping);
            for (Value v : body.getTerminator()->getOperands())
              yielded.push_back(mapping.lookupOrDefault(v));
          };
          SmallVector<Value> firstIns(
              args.take_front(first.getNumDpsInputs()));
          clone(first, firstIns, outArgs.take_front(first.getNumDpsInits()));
          SmallVector<Value> secondIns;
          for (int64_t i : secondInput)
            secondIns.push_back(args[i]);
          clone(second, secondIns, outArgs.drop_front(first.getNumDpsInits()));
          linalg::YieldOp::create(b, first.getLoc(), yielded);
        });
    merged->setLoc(rewriter.getFusedLoc({first.getLoc(), second.getLoc()}));
    unsigned n = first->getNumResults();
    rewriter.replaceOp(first, merged->getResults().take_front(n));
    rewriter.replaceOp(second, merged->getResults().drop_front(n));
  }
};

/// A transpose or broadcast whose readers are all (non-contraction) generics
/// becomes a generic itself, so the rule can fuse it into them: a copy has
/// no ops, so fusing it only saves traffic.
template <typename OpTy>
struct GeneralizeCopy : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;

  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!op.hasPureTensorSemantics() || op->getNumResults() != 1 ||
        op->getResult(0).use_empty())
      return failure();
    for (Operation *user : op->getResult(0).getUsers())
      if (!isa<linalg::GenericOp>(user) || isContractionLike(user))
        return failure();
    return linalg::generalizeNamedOp(rewriter, op);
  }
};

//===----------------------------------------------------------------------===//
// Contraction epilogues: an added tensor becomes the accumulator's init
//===----------------------------------------------------------------------===//

/// `add(C, Y)` where C is a contraction (matmul, batch matmul, contraction
/// generic, convolution) accumulating into zeros, possibly behind a
/// collapse_shape, becomes C accumulating into Y (broadcast to C's shape):
/// the add kernel disappears (its read of C's result and its write), at no
/// extra work. Legal because a contraction adds its products to its init.
struct AccumulateIntoInit : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp add,
                                PatternRewriter &rewriter) const override {
    if (!isPlainAdd(add))
      return failure();
    for (unsigned i = 0; i < 2; ++i) {
      OpOperand *acc = add.getDpsInputOperand(i);
      OpOperand *other = add.getDpsInputOperand(1 - i);
      if (succeeded(rewrite(add, acc, other, rewriter)))
        return success();
    }
    return failure();
  }

private:
  /// An all-parallel generic yielding the sum of its two inputs, with the
  /// identity map on its result.
  static bool isPlainAdd(linalg::GenericOp op) {
    if (!op.hasPureTensorSemantics() || op.getNumDpsInputs() != 2 ||
        op.getNumDpsInits() != 1 ||
        op.getNumParallelLoops() != op.getNumLoops() ||
        !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity())
      return false;
    Block &body = op.getRegion().front();
    if (!llvm::hasSingleElement(body.without_terminator()))
      return false;
    Operation &sum = body.front();
    if (!isa<arith::AddFOp, arith::AddIOp>(sum))
      return false;
    auto isInput = [&](Value v) {
      auto arg = dyn_cast<BlockArgument>(v);
      return arg && arg.getOwner() == &body && arg.getArgNumber() < 2;
    };
    return isInput(sum.getOperand(0)) && isInput(sum.getOperand(1)) &&
           sum.getOperand(0) != sum.getOperand(1) &&
           body.getTerminator()->getOperand(0) == sum.getResult(0);
  }

  /// The contraction behind `value` (through one single-use collapse_shape)
  /// if it accumulates into zeros and `value` is its only use.
  static linalg::LinalgOp zeroInitContraction(Value value,
                                              tensor::CollapseShapeOp &collapse) {
    collapse = value.getDefiningOp<tensor::CollapseShapeOp>();
    if (collapse) {
      if (!value.hasOneUse())
        return nullptr;
      value = collapse.getSrc();
    }
    auto op = value.getDefiningOp<linalg::LinalgOp>();
    if (!op || !value.hasOneUse() || op->getNumResults() != 1 ||
        !op.hasPureTensorSemantics() || !isContractionLike(op))
      return nullptr;
    auto fill = op.getDpsInits()[0].getDefiningOp<linalg::FillOp>();
    if (!fill)
      return nullptr;
    Value zero = fill.value();
    if (!matchPattern(zero, m_AnyZeroFloat()) && !matchPattern(zero, m_Zero()))
      return nullptr;
    return op;
  }

  static LogicalResult rewrite(linalg::GenericOp add, OpOperand *acc,
                               OpOperand *other, PatternRewriter &rewriter) {
    tensor::CollapseShapeOp collapse;
    linalg::LinalgOp contraction = zeroInitContraction(acc->get(), collapse);
    auto type = cast<RankedTensorType>(add->getResult(0).getType());
    auto otherType = dyn_cast<RankedTensorType>(other->get().getType());
    if (!contraction || !add.getMatchingIndexingMap(acc).isIdentity() ||
        acc->get().getType() != type || !otherType ||
        otherType.getElementType() != type.getElementType())
      return failure();
    AffineMap otherMap = add.getMatchingIndexingMap(other);
    if (!otherMap.isProjectedPermutation())
      return failure();

    // The new init, at the add (where the added tensor is defined).
    Location loc = add.getLoc();
    rewriter.setInsertionPoint(add);
    Value init = other->get();
    if (!otherMap.isIdentity() || init.getType() != type)
      init = broadcast(rewriter, loc, init, otherMap, add);
    if (collapse)
      init = tensor::ExpandShapeOp::create(
          rewriter, loc, collapse.getSrcType(), init,
          collapse.getReassociationIndices());

    // The contraction moves to the add so its new init dominates it.
    IRMapping mapping;
    mapping.map(contraction.getDpsInits()[0], init);
    Operation *moved = rewriter.clone(*contraction, mapping);
    Value result = moved->getResult(0);
    if (collapse)
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, type, result, collapse.getReassociationIndices());
    rewriter.replaceOp(add, result);
    if (collapse)
      rewriter.eraseOp(collapse);
    rewriter.eraseOp(contraction);
    return success();
  }

  /// `value` read through `map` in the loops of `add`, materialized at the
  /// add's result shape.
  static Value broadcast(OpBuilder &b, Location loc, Value value, AffineMap map,
                         linalg::GenericOp add) {
    auto type = cast<RankedTensorType>(add->getResult(0).getType());
    Value empty = tensor::EmptyOp::create(b, loc, type.getShape(),
                                          type.getElementType());
    AffineMap id = AffineMap::getMultiDimIdentityMap(type.getRank(),
                                                     b.getContext());
    return linalg::GenericOp::create(
               b, loc, TypeRange{type}, ValueRange{value}, ValueRange{empty},
               ArrayRef<AffineMap>{map, id}, add.getIteratorTypesArray(),
               [](OpBuilder &nb, Location l, ValueRange args) {
                 linalg::YieldOp::create(nb, l, args[0]);
               })
        .getResult(0);
  }
};

//===----------------------------------------------------------------------===//
// The pass
//===----------------------------------------------------------------------===//

struct FormKernelsPass : tcc::impl::FormKernelsPassBase<FormKernelsPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    // Epilogues first: once an add is fused with its consumers it is no
    // longer a plain add.
    {
      RewritePatternSet patterns(ctx);
      patterns.add<AccumulateIntoInit>(ctx);
      (void)applyPatternsGreedily(func, std::move(patterns));
    }
    RewritePatternSet patterns(ctx);
    linalg::ControlFusionFn fuse = [](OpOperand *use) {
      return shouldFuse(use);
    };
    linalg::populateElementwiseOpsFusionPatterns(patterns, fuse);
    patterns.add<DuplicateCheapProducer, FuseIntoMultiResultKernel,
                 MergeSiblingReductions,
                 GeneralizeCopy<linalg::TransposeOp>,
                 GeneralizeCopy<linalg::BroadcastOp>>(ctx);
    linalg::populateFoldReshapeOpsByExpansionPatterns(patterns,
                                                      shouldFoldReshape);
    tensor::populateBubbleUpExpandShapePatterns(patterns);
    affine::AffineApplyOp::getCanonicalizationPatterns(patterns, ctx);
    linalg::GenericOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::ExpandShapeOp::getCanonicalizationPatterns(patterns, ctx);
    tensor::CollapseShapeOp::getCanonicalizationPatterns(patterns, ctx);
    ctx->getLoadedDialect<linalg::LinalgDialect>()->getCanonicalizationPatterns(
        patterns);
    // Top-down, producers before consumers, as upstream fusion expects.
    GreedyRewriteConfig config;
    config.setUseTopDownTraversal();
    (void)applyPatternsGreedily(func, std::move(patterns), config);
  }
};

} // namespace
