export const id = 381;
export const ids = [381];
export const modules = {

/***/ 6381:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {

/* harmony export */ __webpack_require__.d(__webpack_exports__, {
/* harmony export */   runMatrix: () => (/* binding */ runMatrix)
/* harmony export */ });
/* harmony import */ var _actions_core__WEBPACK_IMPORTED_MODULE_0__ = __webpack_require__(3838);
/* harmony import */ var _constants_js__WEBPACK_IMPORTED_MODULE_1__ = __webpack_require__(7242);
/* harmony import */ var _outputs_js__WEBPACK_IMPORTED_MODULE_2__ = __webpack_require__(7729);
/* harmony import */ var _plan_js__WEBPACK_IMPORTED_MODULE_3__ = __webpack_require__(2464);
/* harmony import */ var _summary_js__WEBPACK_IMPORTED_MODULE_4__ = __webpack_require__(8855);





/** `mode: matrix`: one leg per platform on the runner that runs it natively; nothing is built. */
async function runMatrix(inputs) {
    const matrix = (0,_plan_js__WEBPACK_IMPORTED_MODULE_3__/* .planMatrix */ .T4)(inputs.platforms, inputs.runners, {
        arm32: inputs.nativeArm32,
        runnerSets: inputs.runnerSets
    });
    await _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .group */ .Os('Plan the build matrix', () => {
        for (const leg of matrix.include) {
            _actions_core__WEBPACK_IMPORTED_MODULE_0__/* .info */ .pq(`${leg.platform}: ${leg.runner}${leg.emulated ? ' (emulated)' : leg.probe ? ' (native if the runner runs 32-bit Arm; the leg checks)' : ' (native)'}`);
        }
        return Promise.resolve();
    });
    await (0,_summary_js__WEBPACK_IMPORTED_MODULE_4__/* .writeMatrixSummary */ .nI)(matrix);
    (0,_outputs_js__WEBPACK_IMPORTED_MODULE_2__/* .writeOutputs */ .K)({
        [_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Output */ .k7.Matrix]: JSON.stringify(matrix),
        [_constants_js__WEBPACK_IMPORTED_MODULE_1__/* .Output */ .k7.Emulated]: matrix.include
            .filter(leg => leg.emulated)
            .map(leg => leg.platform)
            .join(',')
    });
}


/***/ })

};
